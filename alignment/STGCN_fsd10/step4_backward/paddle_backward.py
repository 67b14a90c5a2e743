"""step4, Paddle: 5 steps of Momentum 0.9 / lr 0.05 / L2Decay 1e-4 (stgcn_fsd.yaml)
in eval mode (BN running statistics, no dropout);
keys loss_0..loss_4 (the loss before each step)."""


import paddle
import paddle.nn.functional as F

import common

model = common.paddle_model(train=False)
optimizer = paddle.optimizer.Momentum(common.LR, momentum=common.MOMENTUM, parameters=model.parameters(),
                                      weight_decay=paddle.regularizer.L2Decay(common.WEIGHT_DECAY))
x, y = common.fake_batch()
x, y = paddle.to_tensor(x), paddle.to_tensor(y)[:, None]
logger = common.logger()
for step in range(common.STEPS):
    loss = F.cross_entropy(model(x), y)
    logger.add(f"loss_{step}", loss.numpy().reshape(1))
    loss.backward()
    optimizer.step()
    optimizer.clear_grad()
logger.save(common.step_file("step4_backward", "bp_align_paddle.npy"))
