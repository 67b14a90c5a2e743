import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import HERE, data  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from torch_ref.loss_metric import movenet_loss  # noqa: E402

out = torch.from_numpy(np.load(data('fake_outputs.npy')))
labels, mask = torch.from_numpy(np.load(data('fake_labels.npy'))), torch.from_numpy(np.load(data('fake_mask.npy')))
loss = movenet_loss([out[:, :17], out[:, 17:18], out[:, 18:52], out[:, 52:]], labels, mask)
logger = ReprodLogger()
logger.add('loss', np.array([float(loss)]))
logger.save(os.path.join(HERE, 'step3_loss', 'loss_torch.npy'))
