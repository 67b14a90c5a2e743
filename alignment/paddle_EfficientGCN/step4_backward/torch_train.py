import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import align_common as C  # noqa: E402

import math  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from torch_ref.egcn_torch import loss_fn  # noqa: E402

model = C.torch_model()  # eval mode: BN running stats and no dropout, as the alignment guide asks
params = [p for p in model.parameters() if p.requires_grad]
opt = torch.optim.SGD(params, lr=C.LR, momentum=C.MOMENTUM, nesterov=True, weight_decay=C.WEIGHT_DECAY)
x, y = torch.from_numpy(np.load(C.FAKE_X)), torch.from_numpy(np.load(C.FAKE_Y))
logger = ReprodLogger()
lrs = []
for step in range(C.STEPS):
    loss = loss_fn(model(x), y)
    opt.zero_grad()
    loss.backward()
    opt.step()
    logger.add(f'loss_{step}', np.array([loss.item()]))
# the official per-iteration schedule (warm-up 2 "epochs" of 2 iterations, 5 epochs in all), on its own optimiser
warm, total = 4, 10
lr_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=C.LR)
sched = torch.optim.lr_scheduler.LambdaLR(
    lr_opt, lambda it: it / warm if it < warm else 0.5 * (math.cos(math.pi * (it - warm) / (total - warm)) + 1))
for it in range(total):
    lrs.append(lr_opt.param_groups[0]['lr'])
    lr_opt.step()
    sched.step()
logger.add('lr', np.array(lrs))
logger.save(os.path.join(HERE, 'bp_align_torch.npy'))
