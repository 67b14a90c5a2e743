"""Step 4, reference side: 5 mmaction2 iterations (SGD momentum 0.9, weight decay 3e-4, global-norm clip 40),
eval mode."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numpy as np  # noqa: E402

from common import TRAIN_SHAPE, fake_batch, load_torch_model, save_log, torch_train_steps  # noqa: E402

x, y = fake_batch(TRAIN_SHAPE)
losses = torch_train_steps(load_torch_model(float64=True), x, y)
save_log("step4_backward", "bp_align", "torch", {f"loss_{i}": np.array([v]) for i, v in enumerate(losses)})
