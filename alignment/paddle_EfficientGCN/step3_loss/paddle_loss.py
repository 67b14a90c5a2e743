import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import align_common as C  # noqa: E402

import numpy as np  # noqa: E402
import paddle  # noqa: E402
import paddle.nn.functional as F  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

paddle.set_device('cpu')
model = C.paddle_model()
with paddle.no_grad():
    loss = F.cross_entropy(model(paddle.to_tensor(np.load(C.FAKE_X))), paddle.to_tensor(np.load(C.FAKE_Y)))
logger = ReprodLogger()
logger.add('loss', np.array([float(loss)]))
logger.save(os.path.join(HERE, 'loss_paddle.npy'))
