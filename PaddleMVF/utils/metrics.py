"""Top-k accuracy and mean class accuracy (mmaction2 definitions)."""
from typing import Sequence

import numpy as np


def top_k_accuracy(scores: np.ndarray, labels: Sequence[int], topk: Sequence[int] = (1, 5)) -> list:
    """Fraction of samples whose label is among the k highest scores, for each k."""
    labels = np.asarray(labels).reshape(-1, 1)
    order = np.argsort(-np.asarray(scores), axis=1)
    return [float((order[:, :k] == labels).any(axis=1).mean()) for k in topk]


def mean_class_accuracy(scores: np.ndarray, labels: Sequence[int]) -> float:
    """Mean over the classes present in ``labels`` of their per-class top-1 accuracy."""
    labels = np.asarray(labels)
    pred = np.argmax(np.asarray(scores), axis=1)
    return float(np.mean([(pred[labels == c] == c).mean() for c in np.unique(labels)]))


def evaluate(scores: np.ndarray, labels: Sequence[int]) -> dict:
    top1, top5 = top_k_accuracy(scores, labels, (1, min(5, np.asarray(scores).shape[1])))
    return {"top1": top1, "top5": top5, "mean_class_acc": mean_class_accuracy(scores, labels)}
