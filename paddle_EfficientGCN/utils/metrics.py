"""Evaluation metrics (numpy only: the alignment's metric step imports this without paddle)."""
from typing import Dict

import numpy as np


def compute_metrics(scores: np.ndarray, labels: np.ndarray, num_class: int) -> Dict[str, float]:
    """top-1, top-5 and mean class accuracy (over the classes present in labels), as the official
    src/processor.py Processor.eval (topk over the logits, per-class accuracy from the confusion matrix)."""
    rank = np.argsort(-scores, axis=1)
    top1 = rank[:, 0] == labels
    top5 = (rank[:, :min(5, scores.shape[1])] == labels[:, None]).any(1)
    per_class = [top1[labels == c].mean() for c in range(num_class) if (labels == c).any()]
    return {'top1': float(top1.mean()), 'top5': float(top5.mean()), 'mean_class_acc': float(np.mean(per_class))}
