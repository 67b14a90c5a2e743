"""Step 3, reference: torch_ref/metric.py loss (PaddleVideo BaseHead.loss = yysijie nn.CrossEntropyLoss)."""


import torch

import common
from torch_ref.metric import loss as cross_entropy

model = common.torch_model()
x, y = common.fake_batch()
with torch.no_grad():
    loss = cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
logger = common.logger()
logger.add("loss", loss.numpy().reshape(1))
logger.save(common.step_file("step3_loss", "loss_torch.npy"))
