"""Step 2, Paddle side: PaddlePoseC3D's utils/metrics.py (what utils/engine.evaluate reports) on the step-1
logits and on 200 seeded 10-class score rows (numpy only: no paddle import needed)."""

import numpy as np

from common import fake_batch, load_log, save_log
from utils.metrics import mean_class_accuracy, top_k_accuracy

logits = load_log("step1_forward", "forward", "paddle")["logits"]
_, labels = fake_batch()
rng = np.random.RandomState(1)
scores, many = rng.rand(200, 10), rng.randint(0, 10, 200)
a, b = top_k_accuracy(logits, labels, (1, 5)), top_k_accuracy(scores, many, (1, 5))
save_log("step2_metric", "metric", "paddle", {
    "top1_acc": np.array([a[0], b[0]]), "top5_acc": np.array([a[1], b[1]]),
    "mean_class_accuracy": np.array([mean_class_accuracy(logits, labels), mean_class_accuracy(scores, many)])})
