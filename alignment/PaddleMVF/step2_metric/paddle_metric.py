"""Step 2, Paddle side: PaddleMVF's utils/metrics.py on fixed scores (60 samples, 101 classes: many
predicted classes never occur in the labels, which MVFNet's mean class accuracy counts as 0) -> metric_paddle.npy."""

import common
from utils.metrics import evaluate_scores as evaluate

m = evaluate(common.fake("metric_scores"), common.fake("metric_labels"))
common.save("step2_metric", "metric", "paddle",
            {"top1_acc": m["top1"], "top5_acc": m["top5"], "mean_class_accuracy": m["mean_class_acc"]})
