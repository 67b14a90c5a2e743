"""Step 2, reference side: torch_ref/metrics.py (mmaction/core/evaluation/accuracy.py top_k_accuracy,
mean_class_accuracy) on the step-1 torch logits and the same 200 seeded rows."""

import numpy as np

from common import fake_batch, load_log, save_log
from torch_ref import mean_class_accuracy, top_k_accuracy

logits = load_log("step1_forward", "forward", "torch")["logits"]
_, labels = fake_batch()
rng = np.random.RandomState(1)  # 200 videos of 10 classes: top-k and per-class recall are non-trivial
scores, many = rng.rand(200, 10), rng.randint(0, 10, 200)
a, b = top_k_accuracy(logits, labels, (1, 5)), top_k_accuracy(scores, many, (1, 5))
save_log("step2_metric", "metric", "torch", {
    "top1_acc": np.array([a[0], b[0]]), "top5_acc": np.array([a[1], b[1]]),
    "mean_class_accuracy": np.array([mean_class_accuracy(logits, labels), mean_class_accuracy(scores, many)])})
