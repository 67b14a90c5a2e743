"""MVFNet's test metrics: our own numpy code, written line by line from whwu95/MVFNet (commit 0ddc7e2)
codes/core/evaluation/accuracy.py (top_k_accuracy / top_k_hit, mean_class_accuracy / confusion_matrix),
which is numpy code itself; test_recognizer.py calls them on the softmax-averaged scores with the labels
as a list of Python ints. No torch: the official metric never touches a tensor."""
import numpy as np


def top_k_hit(score: np.ndarray, lb_set: set, k: int) -> tuple:
    """accuracy.py top_k_hit: (a hit when a label is among argsort(score)[-k:], 1)."""
    idx = np.argsort(score)[-k:]  # ascending order: the k largest at the end
    return len(lb_set.intersection(idx)) > 0, 1


def top_k_accuracy(scores: np.ndarray, labels: list, k: int) -> float:
    """accuracy.py top_k_accuracy for one k: the mean of top_k_hit over the samples."""
    hits = []
    for x, y in zip(scores, labels):
        y = [y] if isinstance(y, int) else y  # test_recognizer passes ints
        hits.append(top_k_hit(x, set(y), k=k)[0])
    return float(np.mean(hits))


def confusion_matrix(y_pred: np.ndarray, y_real: np.ndarray) -> np.ndarray:
    """accuracy.py confusion_matrix: rows = true, columns = predicted, over label_set = the sorted union
    of the predicted and the true labels (int64 inputs, as the official checks)."""
    label_set = np.unique(np.concatenate((y_pred, y_real)))
    label_map = {label: i for i, label in enumerate(label_set)}
    confusion_mat = np.zeros((len(label_set), len(label_set)), dtype=np.int64)
    for rlabel, plabel in zip(y_real, y_pred):
        confusion_mat[label_map[rlabel]][label_map[plabel]] += 1
    return confusion_mat


def mean_class_accuracy(scores: np.ndarray, labels: list) -> float:
    """accuracy.py mean_class_accuracy: per confusion-matrix row hit / cnt, or 0.0 for a class that is only
    ever predicted (no true sample), then the mean."""
    pred = np.argmax(scores, axis=1)
    cf = confusion_matrix(pred, np.array(labels, dtype=np.int64)).astype(float)
    cls_cnt = cf.sum(axis=1)
    cls_hit = np.diag(cf)
    return float(np.mean([hit / cnt if cnt else 0.0 for cnt, hit in zip(cls_cnt, cls_hit)]))
