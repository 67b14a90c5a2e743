"""step5, reference: torch_ref Model with torch.optim.SGD(momentum 0.9, weight_decay 1e-4), which equals Paddle
Momentum + L2Decay (coupled L2); train mode (batch-statistic BN; dropout p=0 on both sides, as
stgcn_fsd.yaml); same keys as paddle_train_mode.py.
float64 on both sides, for the reason given in paddle_train_mode.py."""


import torch

import common
from torch_ref.metric import loss as cross_entropy

model = common.torch_model(train=True, dtype="float64")
optimizer = torch.optim.SGD(model.parameters(), lr=common.LR, momentum=common.MOMENTUM,
                            weight_decay=common.WEIGHT_DECAY)
x, y = common.fake_batch()
x = x.astype("float64")  # float64: see the module docstring
x, y = torch.from_numpy(x), torch.from_numpy(y)
logger = common.logger()
for step in range(common.STEPS):
    loss = cross_entropy(model(x), y)
    logger.add(f"loss_{step}", loss.detach().numpy().reshape(1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
logger.add("data_bn_running_mean", model.data_bn.running_mean.numpy())
logger.add("last_bn_running_mean", model.st_gcn_networks[9].tcn[3].running_mean.numpy())
logger.add("fcn_weight", model.fcn.weight.detach().numpy())
logger.add("edge_importance_0", model.edge_importance[0].detach().numpy())
# running_var is not compared: torch updates it with the unbiased batch variance (n / (n - 1)), Paddle (and so
# PaddleVideo, the official FSD-10 code) with the biased one; README.md gives the measured difference
logger.save(common.step_file("step5_train_mode", "train_mode_torch.npy"))
