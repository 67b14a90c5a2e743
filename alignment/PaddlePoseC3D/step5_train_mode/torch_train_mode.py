"""Step 5, reference side: 5 mmaction2 iterations in train mode (dropout 0), then the same BN running statistics
and weights."""

import numpy as np

from common import TRAIN_SHAPE, fake_batch, load_torch_model, save_log, torch_train_steps

KEYS = ("backbone.conv1.bn.running_mean", "backbone.conv1.bn.running_var", "backbone.layer3.5.conv3.bn.running_var",
        "backbone.layer2.0.downsample.bn.running_mean", "backbone.conv1.conv.weight", "cls_head.fc_cls.weight")
model = load_torch_model(train=True, float64=True)
x, y = fake_batch(TRAIN_SHAPE)
log = {f"loss_{i}": np.array([v]) for i, v in enumerate(torch_train_steps(model, x, y))}
state = model.state_dict()
for key in KEYS:
    log[key] = state[key].numpy()
save_log("step5_train_mode", "train_mode", "torch", log)
