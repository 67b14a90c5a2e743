import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import align_common as C  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

model = C.torch_model()
with torch.no_grad():
    logits = model(torch.from_numpy(np.load(C.FAKE_X)))
logger = ReprodLogger()
logger.add('logits', logits.numpy())
logger.save(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'forward_torch.npy'))
