"""Step 2, Paddle: STGCN_fsd10's utils/metrics.py on 64 fixed score vectors."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import common  # noqa: E402
import numpy as np  # noqa: E402
from utils.metrics import classification_metrics  # noqa: E402

metrics = classification_metrics(np.load(common.FAKE_SCORES), np.load(common.FAKE_SCORE_LABELS))
logger = common.logger()
logger.add("top1_acc", np.array([metrics["top1"]]))
logger.add("top5_acc", np.array([metrics["top5"]]))
logger.add("mean_class_accuracy", np.array([metrics["mean_class_acc"]]))
logger.save(common.step_file("step2_metric", "metric_paddle.npy"))
