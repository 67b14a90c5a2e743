"""Step 4, Paddle: 5 SGD steps (momentum 0.9, Nesterov, weight decay 1e-4, as engine.train builds them) in eval
mode; then the folder's per-iteration warm-up + cosine lr (engine.lr_lambda) over 10 iterations."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common as C  # noqa: E402

import numpy as np  # noqa: E402
import paddle  # noqa: E402
import paddle.nn.functional as F  # noqa: E402

from engine import lr_lambda  # noqa: E402

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
