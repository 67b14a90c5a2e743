"""The folder's metrics (utils/metrics.py) on fixed fake scores."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import common  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402
from utils.metrics import classification_metrics  # noqa: E402

metrics = classification_metrics(np.load(common.FAKE_SCORES), np.load(common.FAKE_SCORE_LABELS))
logger = ReprodLogger()
logger.add("top1_acc", np.array([metrics["top1"]]))
logger.add("top5_acc", np.array([metrics["top5"]]))
logger.add("mean_class_accuracy", np.array([metrics["mean_class_acc"]]))
logger.save(common.step_path("step2_metric", "metric_paddle.npy"))
