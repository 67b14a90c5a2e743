"""Step 4, Paddle side: 5 SGD-momentum steps of MoveNet in eval mode (BN running statistics), float64."""
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

import numpy as np

from common import LR, MOMENTUM, STEPS, fake, paddle_model, paddle_side, save
from models.loss import MovenetLoss

paddle = paddle_side()

model = paddle_model(dtype='float64')  # eval mode
criterion = MovenetLoss()
opt = paddle.optimizer.Momentum(learning_rate=LR, momentum=MOMENTUM, parameters=model.parameters())
x = paddle.to_tensor(fake('fake_input').astype(np.float64))
labels, mask = paddle.to_tensor(fake('fake_labels')), paddle.to_tensor(fake('fake_mask'))
out = {}
for i in range(STEPS):
    loss = criterion(model(x), labels, mask)['loss']
    loss.backward()
    opt.step()
    opt.clear_grad()
    out[f'loss_{i}'] = np.array([float(loss)])
save('step4_backward', 'bp_align', 'paddle', out)
