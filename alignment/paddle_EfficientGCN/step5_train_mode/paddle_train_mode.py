"""Step 5, Paddle: like step 4 but model.train() (batch-statistics BN, running statistics updated), dropout p=0;
5 SGD steps, then the running mean/variance of a few BNs (models.layers.BatchNorm2D: torch's unbiased running
variance) and the classifier weight."""
import numpy as np
import paddle
import paddle.nn.functional as F

import common as C

model = C.paddle_model(train=True, drop_prob=0.0)
opt = paddle.optimizer.Momentum(C.LR, C.MOMENTUM, parameters=model.parameters(), use_nesterov=True,
                                weight_decay=C.WEIGHT_DECAY)
x, y = (paddle.to_tensor(a) for a in C.fake_batch())
logger = C.reprod_logger()
for step in range(C.STEPS):
    loss = F.cross_entropy(model(x), y)
    opt.clear_grad()
    loss.backward()
    opt.step()
    logger.add(f'loss_{step}', np.array([float(loss)]))
state = model.state_dict()
TORCH_NAMES = {'_mean': 'running_mean', '_variance': 'running_var'}
for bn in ('input_branches.0.init_bn', 'main_stream.block-1_att.att.fcn.1', 'main_stream.block-1_att.bn',
           'main_stream.block-1_tcn-0.depth_conv2.1'):
    for ours, theirs in TORCH_NAMES.items():
        logger.add(f'after_{bn}.{theirs}', state[f'{bn}.{ours}'].numpy())
logger.add('after_classifier.fc.weight', state['classifier.fc.weight'].numpy())
logger.save(C.step_file('step5_train_mode', 'train_mode_paddle.npy'))
