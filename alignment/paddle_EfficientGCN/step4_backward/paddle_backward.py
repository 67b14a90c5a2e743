"""Step 4, Paddle: 5 SGD steps (momentum 0.9, Nesterov, weight decay 1e-4, as utils/engine.py build_optimizer builds them) in eval
mode; then the folder's per-iteration warm-up + cosine lr (utils/engine.py lr_lambda) over 10 iterations."""
import numpy as np
import paddle
import paddle.nn.functional as F

import common as C
from utils.engine import lr_lambda

model = C.paddle_model()
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
for key in ('classifier.fc.weight', 'main_stream.block-0_scn.conv.edge', 'main_stream.block-0_scn.conv.A'):
    logger.add(f'after_{key}', state[key].numpy())  # A is frozen: unchanged on both sides
sched = paddle.optimizer.lr.LambdaDecay(C.LR, lr_lambda(4, 10))  # warm-up 2 epochs of 2 iterations, 5 epochs
lrs = []
for _ in range(10):
    lrs.append(sched.get_lr())
    sched.step()
logger.add('lr', np.array(lrs))
logger.save(C.step_file('step4_backward', 'bp_align_paddle.npy'))
