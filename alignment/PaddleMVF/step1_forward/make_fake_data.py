"""Seeded fake inputs for steps 1-4 + a random MVFNet torch state dict and its Paddle conversion."""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402

os.makedirs(common.DATA, exist_ok=True)
rng = np.random.RandomState(0)
np.save(os.path.join(common.DATA, "imgs_test.npy"),
        rng.randn(2, common.VIEWS * common.SEGMENTS, 3, common.SIDE, common.SIDE).astype("float32"))
np.save(os.path.join(common.DATA, "imgs_train.npy"),
        rng.randn(2, common.SEGMENTS, 3, common.SIDE, common.SIDE).astype("float32"))
np.save(os.path.join(common.DATA, "labels.npy"), np.array([3, 57], dtype="int64"))
np.save(os.path.join(common.DATA, "metric_scores.npy"), rng.rand(60, common.NUM_CLASSES).astype("float32"))
np.save(os.path.join(common.DATA, "metric_labels.npy"), rng.randint(0, common.NUM_CLASSES, 60).astype("int64"))

torch.manual_seed(0)
sys.path.insert(0, common.HERE)
from torch_ref import build_mvfnet  # noqa: E402
model = build_mvfnet(common.NUM_CLASSES, common.SEGMENTS)
with torch.no_grad():  # non-trivial BN statistics and affine terms, so eval mode checks them too
    for m in model.modules():
        if isinstance(m, (torch.nn.BatchNorm2d, torch.nn.BatchNorm3d)):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.1, 0.1)
    model.cls_head.new_fc.weight.normal_(0, 0.01)
torch.save(model.state_dict(), common.TORCH_WEIGHTS)

sys.path.insert(0, common.MODEL_DIR)
from tools.convert_weights import convert  # noqa: E402
convert(common.TORCH_WEIGHTS, common.PADDLE_WEIGHTS)
