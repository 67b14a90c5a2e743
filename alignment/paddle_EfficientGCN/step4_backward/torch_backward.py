"""Step 4, torch_ref: 5 torch.optim.SGD steps (the official optimizer_args of configs/2001.yaml with a smaller lr;
src/initializer.py init_optimizer passes model.parameters(), the frozen A gets no gradient) in eval mode; then
the official Cosine_Scheduler lambda under LambdaLR, stepped per iteration, over 10 iterations."""
import numpy as np
import torch

import common as C
from torch_ref.metric import cosine_lr_lambda, loss_fn

model = C.torch_model()  # eval mode: BN running statistics, no dropout
opt = torch.optim.SGD(model.parameters(), lr=C.LR, momentum=C.MOMENTUM, nesterov=True, weight_decay=C.WEIGHT_DECAY)
x, y = (torch.from_numpy(a) for a in C.fake_batch())
logger = C.reprod_logger()
for step in range(C.STEPS):
    opt.zero_grad()
    loss = loss_fn(model(x)[0], y)
    loss.backward()
    opt.step()
    logger.add(f'loss_{step}', np.array([loss.item()]))
state = model.state_dict()
for key in ('classifier.fc.weight', 'main_stream.block-0_scn.conv.edge', 'main_stream.block-0_scn.conv.A'):
    logger.add(f'after_{key}', state[key].numpy())
lr_opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=C.LR)
sched = torch.optim.lr_scheduler.LambdaLR(lr_opt, cosine_lr_lambda(iters_per_epoch=2, max_epoch=5, warm_up=2))
lrs = []
for _ in range(10):
    lrs.append(lr_opt.param_groups[0]['lr'])
    lr_opt.step()
    sched.step()
logger.add('lr', np.array(lrs))
logger.save(C.step_file('step4_backward', 'bp_align_torch.npy'))
