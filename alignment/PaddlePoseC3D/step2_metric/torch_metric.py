"""The step-1 torch logits, through the torch reference metrics, plus a larger seeded score set."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import numpy as np  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from common import DATA, fake_batch  # noqa: E402
from torch_ref import mean_class_accuracy, top_k_accuracy  # noqa: E402

logits = np.load(os.path.join(DATA, "forward_torch.npy"), allow_pickle=True).item()["logits"]
_, labels = fake_batch()
rng = np.random.RandomState(1)  # 200 videos of 10 classes: top-k and per-class recall are non-trivial
scores, many = rng.rand(200, 10), rng.randint(0, 10, 200)
log = ReprodLogger()
log.add("top1_acc", np.array([top_k_accuracy(logits, labels, 1), top_k_accuracy(scores, many, 1)]))
log.add("top5_acc", np.array([top_k_accuracy(logits, labels, 5), top_k_accuracy(scores, many, 5)]))
log.add("mean_class_accuracy", np.array([mean_class_accuracy(logits, labels), mean_class_accuracy(scores, many)]))
log.save(os.path.join(DATA, "metric_torch.npy"))
