"""step4, reference: torch_ref Model with torch.optim.SGD(momentum 0.9, weight_decay 1e-4), which equals Paddle
Momentum + L2Decay (coupled L2); eval mode (BN running statistics, no dropout); same keys as paddle_backward.py."""


import torch

import common
from torch_ref.metric import loss as cross_entropy

model = common.torch_model(train=False)
optimizer = torch.optim.SGD(model.parameters(), lr=common.LR, momentum=common.MOMENTUM,
                            weight_decay=common.WEIGHT_DECAY)
x, y = common.fake_batch()
x, y = torch.from_numpy(x), torch.from_numpy(y)
logger = common.logger()
for step in range(common.STEPS):
    loss = cross_entropy(model(x), y)
    logger.add(f"loss_{step}", loss.detach().numpy().reshape(1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
logger.save(common.step_file("step4_backward", "bp_align_torch.npy"))
