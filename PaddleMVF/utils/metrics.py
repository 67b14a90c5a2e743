"""Top-k accuracy and mean class accuracy, as MVFNet computes them
(codes/core/evaluation/accuracy.py top_k_accuracy, mean_class_accuracy, confusion_matrix)."""
from typing import Sequence

import numpy as np


def top_k_accuracy(scores: np.ndarray, labels: Sequence[int], topk: Sequence[int] = (1, 5)) -> list:
    """Fraction of samples whose label is among the k highest scores, for each k."""
    labels = np.asarray(labels).reshape(-1, 1)
    order = np.argsort(-np.asarray(scores), axis=1)
    return [float((order[:, :k] == labels).any(axis=1).mean()) for k in topk]


def mean_class_accuracy(scores: np.ndarray, labels: Sequence[int]) -> float:
    """MVFNet ``accuracy.py mean_class_accuracy``: the confusion matrix runs over the union of the
    true and the predicted labels, and a class that is only ever predicted (no true sample) counts
    as accuracy 0 in the mean. So it is the mean per-class recall over the classes present in
    ``labels`` only when every predicted class also occurs in ``labels`` (full UCF-101 test lists)."""
    labels = np.asarray(labels).reshape(-1)
    pred = np.argmax(np.asarray(scores), axis=1)
    classes = np.unique(np.concatenate([pred, labels]))
    return float(np.mean([(pred[labels == c] == c).mean() if (labels == c).any() else 0.0 for c in classes]))


def evaluate_scores(scores: np.ndarray, labels: Sequence[int]) -> dict:
    """top1, top5 (top-k of the class count when it is < 5) and MVFNet's mean class accuracy."""
    top1, top5 = top_k_accuracy(scores, labels, (1, min(5, np.asarray(scores).shape[1])))
    return {"top1": top1, "top5": top5, "mean_class_acc": mean_class_accuracy(scores, labels)}
