"""Step 5, Paddle side: as step 4 but in train mode (batch-statistics BN, running statistics updated with
Paddle momentum 0.9 = torch 0.1), dropout 0; then a few BN running statistics and weights after the 5 steps."""

import numpy as np

from common import TRAIN_SHAPE, fake_batch, load_paddle_model, paddle_train_steps, save_log

KEYS = ("backbone.conv1.bn._mean", "backbone.conv1.bn._variance", "backbone.layer3.5.conv3.bn._variance",
        "backbone.layer2.0.downsample.bn._mean", "backbone.conv1.conv.weight", "cls_head.fc_cls.weight")
model = load_paddle_model(train=True, float64=True)
x, y = fake_batch(TRAIN_SHAPE)
log = {f"loss_{i}": np.array([v]) for i, v in enumerate(paddle_train_steps(model, x, y))}
state = model.state_dict()
for key in KEYS:
    value = state[key].numpy()
    log[key.replace("._mean", ".running_mean").replace("._variance", ".running_var")] = \
        value.T if key == "cls_head.fc_cls.weight" else value  # torch Linear layout
save_log("step5_train_mode", "train_mode", "paddle", log)
