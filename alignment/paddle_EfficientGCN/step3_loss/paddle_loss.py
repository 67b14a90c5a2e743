"""Step 3, Paddle: cross-entropy of the eval-mode logits (engine.train's F.cross_entropy)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common as C  # noqa: E402

import numpy as np  # noqa: E402
import paddle  # noqa: E402
import paddle.nn.functional as F  # noqa: E402

model = C.paddle_model()
x, y = C.fake_batch()
with paddle.no_grad():
    loss = F.cross_entropy(model(paddle.to_tensor(x)), paddle.to_tensor(y))
logger = C.reprod_logger()
logger.add('loss', np.array([float(loss)]))
logger.save(C.step_file('step3_loss', 'loss_paddle.npy'))
