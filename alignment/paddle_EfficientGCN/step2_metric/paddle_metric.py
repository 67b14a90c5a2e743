"""Step 2, Paddle: the folder's utils/metrics.py compute_metrics (test.py / train.py evaluation) on the fake scores."""
import numpy as np

import common as C
from utils.metrics import compute_metrics

scores, labels = C.fake_scores()
m = compute_metrics(scores, labels, C.NUM_CLASS)
logger = C.reprod_logger()
for ours, key in (('top1', 'top1_acc'), ('top5', 'top5_acc'), ('mean_class_acc', 'mean_class_acc')):
    logger.add(key, np.array([m[ours]], dtype=np.float64))
logger.save(C.step_file('step2_metric', 'metric_paddle.npy'))
