"""Step 3, Paddle side: models/loss.py MovenetLoss on the fake outputs/labels, float64 (so that a loss of ~10 is
compared exactly, not at float32 resolution); keys: the total and each term."""
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

import numpy as np

from common import fake, paddle_side, save
from models.loss import MovenetLoss

paddle = paddle_side()

out = paddle.to_tensor(fake('fake_outputs'))
losses = MovenetLoss()([out[:, :17], out[:, 17:18], out[:, 18:52], out[:, 52:]],
                       paddle.to_tensor(fake('fake_labels')), paddle.to_tensor(fake('fake_mask')))
save('step3_loss', 'loss', 'paddle', {k: np.array([float(losses[k])])
                                      for k in ('loss', 'heatmap', 'bone', 'center', 'regs', 'offsets')})
