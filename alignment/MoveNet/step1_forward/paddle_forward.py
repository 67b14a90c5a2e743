import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import HERE, data  # noqa: E402

import numpy as np  # noqa: E402
import paddle  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from models import MoveNet  # noqa: E402

paddle.set_device('cpu')
model = MoveNet()
model.set_state_dict(paddle.load(data('model.pdparams')))
model.eval()
with paddle.no_grad():
    out = model(paddle.to_tensor(np.load(data('fake_input.npy'))))
logger = ReprodLogger()
logger.add('logits', paddle.concat(out, axis=1).numpy())
logger.save(os.path.join(HERE, 'step1_forward', 'forward_paddle.npy'))
