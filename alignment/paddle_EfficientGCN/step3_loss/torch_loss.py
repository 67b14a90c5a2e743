import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import align_common as C  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from torch_ref.egcn_torch import loss_fn  # noqa: E402

model = C.torch_model()
with torch.no_grad():
    loss = loss_fn(model(torch.from_numpy(np.load(C.FAKE_X))), torch.from_numpy(np.load(C.FAKE_Y)))
logger = ReprodLogger()
logger.add('loss', np.array([loss.item()]))
logger.save(os.path.join(HERE, 'loss_torch.npy'))
