"""MovenetLoss of the Paddle folder on fake outputs/labels, in float64 so that the comparison is exact."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import HERE, data  # noqa: E402

import numpy as np  # noqa: E402
import paddle  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from models.loss import MovenetLoss  # noqa: E402

out = paddle.to_tensor(np.load(data('fake_outputs.npy')))
labels, mask = paddle.to_tensor(np.load(data('fake_labels.npy'))), paddle.to_tensor(np.load(data('fake_mask.npy')))
losses = MovenetLoss()([out[:, :17], out[:, 17:18], out[:, 18:52], out[:, 52:]], labels, mask)
logger = ReprodLogger()
logger.add('loss', np.array([float(losses['loss'])]))
logger.save(os.path.join(HERE, 'step3_loss', 'loss_paddle.npy'))
