import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import HERE, data  # noqa: E402

import numpy as np  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from torch_ref.loss_metric import decode_label, decode_output, my_acc  # noqa: E402

out = np.load(data('fake_outputs.npy')).astype(np.float32)
labels, mask = np.load(data('fake_labels.npy')).astype(np.float32), np.load(data('fake_mask.npy'))
pred = decode_output(out[:, :17], out[:, 17:18], out[:, 18:52], out[:, 52:])
gt = decode_label(labels, mask)
logger = ReprodLogger()
logger.add('keypoints', pred.astype(np.float64))
logger.add('label_keypoints', gt.astype(np.float64))
logger.add('acc', np.array([my_acc(pred, gt).mean() / len(pred)]))
logger.save(os.path.join(HERE, 'step2_metric', 'metric_torch.npy'))
