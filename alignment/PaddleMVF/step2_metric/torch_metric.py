"""Step 2, reference side: torch_ref/metric.py, our numpy copy of MVFNet's accuracy.py (the official metric
is numpy code, so this side imports no torch), on the same scores -> metric_torch.npy."""
import common
from torch_ref.metric import mean_class_accuracy, top_k_accuracy

scores = common.fake("metric_scores")
labels = [int(y) for y in common.fake("metric_labels")]  # test_recognizer.py's gt_labels: Python ints
common.save("step2_metric", "metric", "torch",
            {"top1_acc": top_k_accuracy(scores, labels, 1), "top5_acc": top_k_accuracy(scores, labels, 5),
             "mean_class_accuracy": mean_class_accuracy(scores, labels)})
