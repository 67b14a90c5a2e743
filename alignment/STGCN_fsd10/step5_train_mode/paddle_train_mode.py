"""step5, Paddle: 5 steps of Momentum 0.9 / lr 0.05 / L2Decay 1e-4 (stgcn_fsd.yaml)
in train mode (batch-statistic BN; dropout p=0 on both sides, as stgcn_fsd.yaml);
keys loss_0..loss_4 (the loss before each step), then data_bn and the last BN running means, the classifier
weight and block 1 edge importance after the steps.

float64 on both sides: in float32 the two frameworks' rounding (relative ~1e-7 in the forward) flips a few
ReLU inputs that sit at 0, batch-statistic BN spreads those changes over whole channels in the backward,
and lr 0.05 on one repeated batch amplifies them: in float32 the losses differed by up to 1.3e-4 (loss_2).
In float64 the same code agrees to ~1e-9, which is what this step checks (README.md). BN running_var is
not compared: torch updates it with the unbiased batch variance, Paddle with the biased one (README.md).
"""


import paddle
import paddle.nn.functional as F

import common

model = common.paddle_model(train=True, dtype="float64")
optimizer = paddle.optimizer.Momentum(common.LR, momentum=common.MOMENTUM, parameters=model.parameters(),
                                      weight_decay=paddle.regularizer.L2Decay(common.WEIGHT_DECAY))
x, y = common.fake_batch()
x = x.astype("float64")  # float64: see the module docstring
x, y = paddle.to_tensor(x), paddle.to_tensor(y)[:, None]
logger = common.logger()
for step in range(common.STEPS):
    loss = F.cross_entropy(model(x), y)
    logger.add(f"loss_{step}", loss.numpy().reshape(1))
    loss.backward()
    optimizer.step()
    optimizer.clear_grad()
net = model.backbone
logger.add("data_bn_running_mean", net.data_bn._mean.numpy())
logger.add("last_bn_running_mean", net.st_gcn_networks[9].tcn[3]._mean.numpy())
logger.add("fcn_weight", model.head.fcn.weight.numpy())
logger.add("edge_importance_0", net.edge_importance[0].numpy())
logger.save(common.step_file("step5_train_mode", "train_mode_paddle.npy"))
