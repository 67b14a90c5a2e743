import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import align_common as C  # noqa: E402

import numpy as np  # noqa: E402
import paddle  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

paddle.set_device('cpu')
model = C.paddle_model()
with paddle.no_grad():
    logits = model(paddle.to_tensor(np.load(C.FAKE_X)))
logger = ReprodLogger()
logger.add('logits', logits.numpy())
logger.save(os.path.join(os.path.dirname(os.path.abspath(__file__)), 'forward_paddle.npy'))
