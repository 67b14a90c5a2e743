"""Top-k accuracy and mean class accuracy (mmaction2 definitions)."""
from __future__ import annotations

import numpy as np


def top_k_accuracy(scores: np.ndarray, labels: np.ndarray, topk=(1, 5)) -> list[float]:
    """Mean of [label in the k highest scores] for each k."""
    labels = np.asarray(labels).reshape(-1)
    order = np.argsort(scores, axis=1)[:, ::-1]
    return [float(np.mean([lab in row[:k] for lab, row in zip(labels, order)])) for k in topk]


def mean_class_accuracy(scores: np.ndarray, labels: np.ndarray) -> float:
    """Mean per-class recall over the classes present in the predictions or the labels."""
    labels = np.asarray(labels).reshape(-1)
    pred = np.argmax(scores, axis=1)
    classes = np.union1d(pred, labels)
    recalls = [np.mean(pred[labels == c] == c) if np.any(labels == c) else 0.0 for c in classes]
    return float(np.mean(recalls))


def evaluate_scores(scores: np.ndarray, labels: np.ndarray) -> dict:
    top1, top5 = top_k_accuracy(scores, labels, (1, 5))
    return {"top1": top1, "top5": top5, "mean_class_acc": mean_class_accuracy(scores, labels)}
