"""Step 5, Paddle side: 5 SGD-momentum steps of MoveNet in TRAIN mode (BatchNorm on batch statistics, running
statistics updated with Paddle momentum 0.9 = torch 0.1; MoveNet has no dropout), float64. Keys: loss_0..loss_4,
and after the steps a few BN running means and variances (MoveNet/models/layers.py BatchNorm2D moves the
variance towards the unbiased batch variance, as torch) and weights."""
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

import numpy as np

from common import LR, MOMENTUM, STEPS, fake, paddle_model, paddle_side, save
from models.loss import MovenetLoss

paddle = paddle_side()

BN = ['backbone.features1.0.1', 'backbone.features4.2.conv1.7', 'header.header_heatmaps.0.3']
WEIGHTS = ['backbone.features1.0.0.weight', 'backbone.features3.conv2.2.6.weight', 'header.header_offsets.1.weight']

model = paddle_model(dtype='float64')
model.train()
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
state = model.state_dict()
out.update({f'{name}.running_mean': state[f'{name}._mean'].numpy() for name in BN})
out.update({f'{name}.running_var': state[f'{name}._variance'].numpy() for name in BN})
out.update({name: state[name].numpy() for name in WEIGHTS})
save('step5_train_mode', 'train_mode', 'paddle', out)
