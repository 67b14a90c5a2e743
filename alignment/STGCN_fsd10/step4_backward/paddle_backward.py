"""5 Momentum steps (lr 0.05, momentum 0.9, L2 1e-4, as the FSD recipe) in eval mode; loss before each step."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import common  # noqa: E402
import paddle  # noqa: E402
import paddle.nn.functional as F  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

model = common.paddle_model()
optimizer = paddle.optimizer.Momentum(common.LR, momentum=common.MOMENTUM, parameters=model.parameters(),
                                      weight_decay=paddle.regularizer.L2Decay(common.WEIGHT_DECAY))
x = paddle.to_tensor(np.load(common.FAKE_DATA))
y = paddle.to_tensor(np.load(common.FAKE_LABEL))[:, None]
logger = ReprodLogger()
for step in range(common.STEPS):
    loss = F.cross_entropy(model(x), y)
    logger.add(f"loss_{step}", loss.numpy().reshape(1))
    loss.backward()
    optimizer.step()
    optimizer.clear_grad()
logger.save(common.step_path("step4_backward", "bp_align_paddle.npy"))
