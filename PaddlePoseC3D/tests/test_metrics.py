"""Metrics and loss against hand-computed values (mmaction2 0.x mmaction/core/evaluation/accuracy.py,
mmaction/models/losses/cross_entropy_loss.py)."""
import math

import numpy as np
import paddle
import paddle.nn.functional as F
import pytest

from utils.metrics import evaluate_scores, mean_class_accuracy, top_k_accuracy

SCORES = np.array([[0.1, 0.7, 0.2], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
LABELS = np.array([1, 1, 2, 2])


def test_top_k():
    """accuracy.py top_k_accuracy: a hit when the label is among the k highest scores; the mean over samples."""
    assert top_k_accuracy(SCORES, LABELS, (1, 2)) == [0.5, 0.75]  # hits: 1,0,1,0 / 1,1,1,0


def test_mean_class_accuracy_counts_predicted_only_classes_as_zero():
    """accuracy.py mean_class_accuracy over confusion_matrix: classes present in predictions OR labels; a class
    that is never a label counts 0."""
    # predictions 1,0,2,0; classes present {0,1,2}: recalls 0 (no label), 1/2, 1/2 -> 1/3
    assert mean_class_accuracy(SCORES, LABELS) == pytest.approx(1 / 3)
    assert evaluate_scores(SCORES, LABELS)["top1"] == 0.5


def test_cross_entropy_and_label_smoothing_values():
    """cross_entropy_loss.py CrossEntropyLoss (hard labels, mean); smoothing 0.1 is the seed port's option."""
    logits = paddle.to_tensor([[2.0, 0.0, 0.0]])
    label = paddle.to_tensor([0])
    lse = math.log(math.exp(2) + 2)
    assert float(F.cross_entropy(logits, label)) == pytest.approx(lse - 2, rel=1e-6)
    # smoothing 0.1 over 3 classes: target (0.9333, 0.0333, 0.0333)
    expected = (1 - 0.1 + 0.1 / 3) * (lse - 2) + 2 * (0.1 / 3) * lse
    assert float(F.cross_entropy(logits, label, label_smoothing=0.1)) == pytest.approx(expected, rel=1e-5)
