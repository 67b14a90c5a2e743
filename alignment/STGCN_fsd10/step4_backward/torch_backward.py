import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import common  # noqa: E402
import torch  # noqa: E402
from metric import loss as cross_entropy  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

model = common.torch_model()
optimizer = torch.optim.SGD(model.parameters(), lr=common.LR, momentum=common.MOMENTUM,
                            weight_decay=common.WEIGHT_DECAY)
x = torch.from_numpy(np.load(common.FAKE_DATA))
y = torch.from_numpy(np.load(common.FAKE_LABEL))
logger = ReprodLogger()
for step in range(common.STEPS):
    loss = cross_entropy(model(x), y)
    logger.add(f"loss_{step}", loss.detach().numpy().reshape(1))
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
logger.save(common.step_path("step4_backward", "bp_align_torch.npy"))
