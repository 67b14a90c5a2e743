"""Step 3, Paddle: cross entropy of the eval-mode logits, as train.py computes it (labels [N, 1])."""


import paddle
import paddle.nn.functional as F

import common

model = common.paddle_model()
x, y = common.fake_batch()
with paddle.no_grad():
    loss = F.cross_entropy(model(paddle.to_tensor(x)), paddle.to_tensor(y)[:, None])
logger = common.logger()
logger.add("loss", loss.numpy().reshape(1))
logger.save(common.step_file("step3_loss", "loss_paddle.npy"))
