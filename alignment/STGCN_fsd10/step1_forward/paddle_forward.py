"""Step 1, Paddle: eval-mode logits of STGCN_fsd10's model on the fake batch (key logits)."""


import paddle

import common

model = common.paddle_model()
x, _ = common.fake_batch()
logger = common.logger()
with paddle.no_grad():
    logger.add("logits", model(paddle.to_tensor(x)).numpy())
logger.save(common.step_file("step1_forward", "forward_paddle.npy"))
