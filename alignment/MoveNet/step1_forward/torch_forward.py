import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import HERE, data  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from torch_ref.movenet import MoveNet  # noqa: E402

model = MoveNet()
model.load_state_dict(torch.load(data('model.pth')), strict=True)  # the official key names
model.eval()
with torch.no_grad():
    out = model(torch.from_numpy(np.load(data('fake_input.npy'))))
logger = ReprodLogger()
logger.add('logits', torch.cat(out, 1).numpy())
logger.save(os.path.join(HERE, 'step1_forward', 'forward_torch.npy'))
