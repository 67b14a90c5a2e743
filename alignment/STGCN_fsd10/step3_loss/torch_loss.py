"""Step 3, reference: torch_ref/metric.py loss (PaddleVideo BaseHead.loss = yysijie nn.CrossEntropyLoss)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import common  # noqa: E402
import torch  # noqa: E402
from metric import loss as cross_entropy  # noqa: E402

model = common.torch_model()
x, y = common.fake_batch()
with torch.no_grad():
    loss = cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
logger = common.logger()
logger.add("loss", loss.numpy().reshape(1))
logger.save(common.step_file("step3_loss", "loss_torch.npy"))
