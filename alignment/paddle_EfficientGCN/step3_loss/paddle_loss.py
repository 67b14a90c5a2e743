"""Step 3, Paddle: cross-entropy of the eval-mode logits (utils/engine.py _step's F.cross_entropy)."""
import numpy as np
import paddle
import paddle.nn.functional as F

import common as C

model = C.paddle_model()
x, y = C.fake_batch()
with paddle.no_grad():
    loss = F.cross_entropy(model(paddle.to_tensor(x)), paddle.to_tensor(y))
logger = C.reprod_logger()
logger.add('loss', np.array([float(loss)]))
logger.save(C.step_file('step3_loss', 'loss_paddle.npy'))
