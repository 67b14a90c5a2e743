"""Seeded fake input/labels/scores and a random torch state dict (st-gcn names), converted to Paddle with
the folder's own tools/convert_weights.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import common  # noqa: E402
import paddle  # noqa: E402
import torch  # noqa: E402
from st_gcn import Model  # noqa: E402
from tools.convert_weights import convert  # noqa: E402

rng = np.random.RandomState(0)
torch.manual_seed(0)
os.makedirs(common.DATA, exist_ok=True)
np.save(common.FAKE_DATA, rng.uniform(-1, 1, common.SHAPE).astype("float32"))
np.save(common.FAKE_LABEL, rng.randint(0, common.NUM_CLASSES, common.SHAPE[0]).astype("int64"))
np.save(common.FAKE_SCORES, rng.rand(64, common.NUM_CLASSES).astype("float32"))
np.save(common.FAKE_SCORE_LABELS, rng.randint(0, common.NUM_CLASSES, 64).astype("int64"))

model = Model(in_channels=2, num_class=common.NUM_CLASSES)
with torch.no_grad():  # the official init plus non-trivial BN statistics and edge weights
    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d):
            module.weight.normal_(0, 0.02)
            module.bias.normal_(0, 0.02)
        elif isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            module.weight.normal_(1, 0.02)
            module.bias.normal_(0, 0.02)
            module.running_mean.normal_(0, 0.1)
            module.running_var.uniform_(0.5, 1.5)
    for weight in model.edge_importance:
        weight.uniform_(0.5, 1.5)
torch.save(model.state_dict(), common.TORCH_WEIGHTS)
state, unmapped = convert({k: v.numpy() for k, v in model.state_dict().items()})
assert not unmapped, unmapped
paddle.save({k: paddle.to_tensor(v) for k, v in state.items()}, common.PADDLE_WEIGHTS)
print(f"fake data and weights written to {common.DATA}")
