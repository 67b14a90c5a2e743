"""Step 5, torch_ref: like step 4 but model.train() (as src/processor.py Processor.train), dropout p=0; 5 SGD
steps, then the running mean/variance of a few BNs and the classifier weight."""
import numpy as np
import torch

import common as C
from torch_ref.metric import loss_fn

model = C.torch_model(train=True, drop_prob=0.0)
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
for bn in ('input_branches.0.init_bn', 'main_stream.block-1_att.att.fcn.1', 'main_stream.block-1_att.bn',
           'main_stream.block-1_tcn-0.depth_conv2.1'):
    for stat in ('running_mean', 'running_var'):
        logger.add(f'after_{bn}.{stat}', state[f'{bn}.{stat}'].numpy())
logger.add('after_classifier.fc.weight', state['classifier.fc.weight'].numpy())
logger.save(C.step_file('step5_train_mode', 'train_mode_torch.npy'))
