import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import align_common as C  # noqa: E402

import numpy as np  # noqa: E402
import paddle  # noqa: E402
import paddle.nn.functional as F  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from engine import lr_lambda  # noqa: E402

paddle.set_device('cpu')
model = C.paddle_model()
opt = paddle.optimizer.Momentum(C.LR, C.MOMENTUM, parameters=model.parameters(), use_nesterov=True,
                                weight_decay=C.WEIGHT_DECAY)
x, y = paddle.to_tensor(np.load(C.FAKE_X)), paddle.to_tensor(np.load(C.FAKE_Y))
logger = ReprodLogger()
for step in range(C.STEPS):
    loss = F.cross_entropy(model(x), y)
    opt.clear_grad()
    loss.backward()
    opt.step()
    logger.add(f'loss_{step}', np.array([float(loss)]))
sched = paddle.optimizer.lr.LambdaDecay(C.LR, lr_lambda(4, 10))
lrs = []
for it in range(10):
    lrs.append(sched.get_lr())
    sched.step()
logger.add('lr', np.array(lrs))
logger.save(os.path.join(HERE, 'bp_align_paddle.npy'))
