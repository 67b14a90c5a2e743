"""The step-1 Paddle logits and the same seeded score set through the folder's utils/metrics.py."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import DATA, fake_batch, use_model_dir  # noqa: E402

use_model_dir()
import numpy as np  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from utils.metrics import mean_class_accuracy, top_k_accuracy  # noqa: E402

logits = np.load(os.path.join(DATA, "forward_paddle.npy"), allow_pickle=True).item()["logits"]
_, labels = fake_batch()
rng = np.random.RandomState(1)
scores, many = rng.rand(200, 10), rng.randint(0, 10, 200)
a, b = top_k_accuracy(logits, labels, (1, 5)), top_k_accuracy(scores, many, (1, 5))
log = ReprodLogger()
log.add("top1_acc", np.array([a[0], b[0]]))
log.add("top5_acc", np.array([a[1], b[1]]))
log.add("mean_class_accuracy", np.array([mean_class_accuracy(logits, labels), mean_class_accuracy(scores, many)]))
log.save(os.path.join(DATA, "metric_paddle.npy"))
