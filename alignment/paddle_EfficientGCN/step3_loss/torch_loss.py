"""Step 3, torch_ref: the official nn.CrossEntropyLoss (torch_ref/metric.py loss_fn) of the eval-mode logits."""
import numpy as np
import torch

import common as C
from torch_ref.metric import loss_fn

model = C.torch_model()
x, y = C.fake_batch()
with torch.no_grad():
    loss = loss_fn(model(torch.from_numpy(x))[0], torch.from_numpy(y))
logger = C.reprod_logger()
logger.add('loss', np.array([loss.item()]))
logger.save(C.step_file('step3_loss', 'loss_torch.npy'))
