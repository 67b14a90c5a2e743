"""Step 2, Paddle: STGCN_fsd10's utils/metrics.py on 64 fixed score vectors."""


import numpy as np

import common
from utils.metrics import classification_metrics

metrics = classification_metrics(np.load(common.FAKE_SCORES), np.load(common.FAKE_SCORE_LABELS))
logger = common.logger()
logger.add("top1_acc", np.array([metrics["top1"]]))
logger.add("top5_acc", np.array([metrics["top5"]]))
logger.add("mean_class_accuracy", np.array([metrics["mean_class_acc"]]))
logger.save(common.step_file("step2_metric", "metric_paddle.npy"))
