"""Loss and metrics as mmaction2 0.x computes them (our own code):
  mmaction/models/losses/cross_entropy_loss.py CrossEntropyLoss._forward (hard labels, no class weight,
      loss_weight 1.0): F.cross_entropy(cls_score, label)
  mmaction/core/evaluation/accuracy.py top_k_accuracy, confusion_matrix, mean_class_accuracy (numpy only)."""
from __future__ import annotations

import numpy as np


def cross_entropy(cls_score, label):
    import torch.nn.functional as F
    return F.cross_entropy(cls_score, label)  # reduction 'mean', as the official default


def top_k_accuracy(scores, labels, topk=(1,)):
    """accuracy.py top_k_accuracy: a hit when the label is among argsort(scores)[:, -k:]; the mean over samples."""
    labels = np.array(labels)[:, None]
    res = []
    for k in topk:
        top = np.argsort(scores, axis=1)[:, -k:][:, ::-1]
        hit = np.logical_or.reduce(top == labels, axis=1)
        res.append(hit.sum() / hit.shape[0])
    return res


def confusion_matrix(y_pred, y_real):
    """accuracy.py confusion_matrix (normalize=None): classes = the labels present in either array, in sorted
    order; rows = true class, columns = predicted class."""
    y_pred, y_real = np.asarray(y_pred, np.int64), np.asarray(y_real, np.int64)
    label_set = np.unique(np.concatenate((y_pred, y_real)))
    n = len(label_set)
    label_map = np.zeros(label_set[-1] + 1, dtype=np.int64)
    label_map[label_set] = np.arange(n)
    return np.bincount(n * label_map[y_real] + label_map[y_pred], minlength=n ** 2).reshape(n, n)


def mean_class_accuracy(scores, labels):
    """accuracy.py mean_class_accuracy: the mean over those classes of hits / count (0 for a class never true)."""
    cf = confusion_matrix(np.argmax(scores, axis=1), labels).astype(float)
    cnt, hit = cf.sum(axis=1), np.diag(cf)
    return float(np.mean([h / c if c else 0.0 for c, h in zip(cnt, hit)]))
