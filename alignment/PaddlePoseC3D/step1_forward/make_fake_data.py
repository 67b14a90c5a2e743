"""Seeded fake heatmap batch + a random torch state dict (mmaction2 names, non-trivial BN stats),
converted to Paddle with the folder's tools/convert_weights.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numpy as np  # noqa: E402
import torch  # noqa: E402

from common import DATA, NUM_CLASSES, INPUT_SHAPE, PADDLE_CKPT, TORCH_CKPT, use_model_dir  # noqa: E402
from torch_ref import build_torch_model  # noqa: E402

os.makedirs(DATA, exist_ok=True)
rng = np.random.RandomState(0)
np.save(os.path.join(DATA, "fake_data.npy"), (rng.rand(*INPUT_SHAPE) ** 4).astype("float32"))
np.save(os.path.join(DATA, "fake_label.npy"), rng.randint(0, NUM_CLASSES, INPUT_SHAPE[0]).astype("int64"))
torch.manual_seed(0)
model = build_torch_model(NUM_CLASSES)
with torch.no_grad():
    for name, m in model.named_modules():
        if isinstance(m, torch.nn.BatchNorm3d):
            m.weight.uniform_(0.5, 1.0)
            m.bias.uniform_(-0.1, 0.1)
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
torch.save({"state_dict": model.state_dict(), "meta": {"note": "random init for alignment"}}, TORCH_CKPT)
use_model_dir()
from tools.convert_weights import convert  # noqa: E402

convert(TORCH_CKPT, PADDLE_CKPT)
