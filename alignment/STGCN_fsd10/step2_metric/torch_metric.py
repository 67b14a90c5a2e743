import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import common  # noqa: E402
import torch  # noqa: E402
from metric import mean_class_accuracy, topk_accuracy  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

scores = torch.from_numpy(np.load(common.FAKE_SCORES))
labels = torch.from_numpy(np.load(common.FAKE_SCORE_LABELS))
logger = ReprodLogger()
logger.add("top1_acc", np.array([topk_accuracy(scores, labels, 1).item()]))
logger.add("top5_acc", np.array([topk_accuracy(scores, labels, 5).item()]))
logger.add("mean_class_accuracy", np.array([mean_class_accuracy(scores, labels).item()]))
logger.save(common.step_path("step2_metric", "metric_torch.npy"))
