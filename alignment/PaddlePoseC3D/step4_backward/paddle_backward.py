"""Step 4, Paddle side: 5 iterations as train.py runs them (common.paddle_train_steps: train.build_optimizer,
cross-entropy, backward, step), eval mode (fixed BN statistics, no dropout)."""

import numpy as np

from common import TRAIN_SHAPE, fake_batch, load_paddle_model, paddle_train_steps, save_log

x, y = fake_batch(TRAIN_SHAPE)
losses = paddle_train_steps(load_paddle_model(float64=True), x, y)
save_log("step4_backward", "bp_align", "paddle", {f"loss_{i}": np.array([v]) for i, v in enumerate(losses)})
