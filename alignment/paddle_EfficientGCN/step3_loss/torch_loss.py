"""Step 3, torch_ref: the official nn.CrossEntropyLoss (torch_ref/metric.py loss_fn) of the eval-mode logits."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common as C  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from metric import loss_fn  # noqa: E402

model = C.torch_model()
x, y = C.fake_batch()
with torch.no_grad():
    loss = loss_fn(model(torch.from_numpy(x))[0], torch.from_numpy(y))
logger = C.reprod_logger()
logger.add('loss', np.array([loss.item()]))
logger.save(C.step_file('step3_loss', 'loss_torch.npy'))
