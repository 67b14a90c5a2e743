"""Step 4, reference side: 5 mmaction2 iterations (SGD momentum 0.9, weight decay 3e-4, global-norm clip 40),
eval mode."""

import numpy as np

from common import TRAIN_SHAPE, fake_batch, load_torch_model, save_log, torch_train_steps

x, y = fake_batch(TRAIN_SHAPE)
losses = torch_train_steps(load_torch_model(float64=True), x, y)
save_log("step4_backward", "bp_align", "torch", {f"loss_{i}": np.array([v]) for i, v in enumerate(losses)})
