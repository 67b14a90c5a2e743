"""5 SGD-momentum steps (eval-mode BN) of the Paddle model in float64: key loss_0..loss_4."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import HERE, data  # noqa: E402

import numpy as np  # noqa: E402
import paddle  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from models import MoveNet  # noqa: E402
from models.loss import MovenetLoss  # noqa: E402

paddle.set_device('cpu')
paddle.set_default_dtype('float64')
model = MoveNet()
model.set_state_dict({k: paddle.to_tensor(v.numpy().astype(np.float64)) for k, v in paddle.load(data('model.pdparams')).items()})
model.eval()
criterion = MovenetLoss()
# lr and momentum are exact in float32: Paddle keeps both as float32 attributes even for float64 parameters
opt = paddle.optimizer.Momentum(learning_rate=2 ** -17, momentum=0.875, parameters=model.parameters())
x = paddle.to_tensor(np.load(data('fake_input.npy')).astype(np.float64))
labels, mask = paddle.to_tensor(np.load(data('fake_labels.npy'))), paddle.to_tensor(np.load(data('fake_mask.npy')))
logger = ReprodLogger()
for i in range(5):
    loss = criterion(model(x), labels, mask)['loss']
    loss.backward()
    opt.step()
    opt.clear_grad()
    logger.add(f'loss_{i}', np.array([float(loss)]))
logger.save(os.path.join(HERE, 'step4_backward', 'bp_align_paddle.npy'))
