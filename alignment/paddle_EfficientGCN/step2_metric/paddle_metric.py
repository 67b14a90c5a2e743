import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import align_common as C  # noqa: E402

import numpy as np  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from engine import compute_metrics  # noqa: E402
sys.path.insert(0, HERE)
from fake_scores import fake_scores  # noqa: E402

scores, labels = fake_scores()
m = compute_metrics(scores, labels, C.NUM_CLASS)
logger = ReprodLogger()
for ours, key in (('top1', 'top1_acc'), ('top5', 'top5_acc'), ('mean_class_acc', 'mean_class_acc')):
    logger.add(key, np.array([m[ours]], dtype=np.float64))
logger.save(os.path.join(HERE, 'metric_paddle.npy'))
