"""movenetDecode (output and label mode) and acc of the Paddle folder on the same fake maps."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import HERE, data  # noqa: E402

import numpy as np  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from models.decode import decode_labels, decode_outputs  # noqa: E402
from utils.metrics import joint_correct  # noqa: E402

out = np.load(data('fake_outputs.npy')).astype(np.float32)
labels, mask = np.load(data('fake_labels.npy')).astype(np.float32), np.load(data('fake_mask.npy'))
pred = decode_outputs([out[:, :17], out[:, 17:18], out[:, 18:52], out[:, 52:]])
gt = decode_labels(labels, mask)
logger = ReprodLogger()
logger.add('keypoints', pred.astype(np.float64))
logger.add('label_keypoints', gt.astype(np.float64))
logger.add('acc', np.array([joint_correct(pred, gt).mean() / len(pred)]))
logger.save(os.path.join(HERE, 'step2_metric', 'metric_paddle.npy'))
