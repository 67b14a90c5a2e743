import numpy as np

from utils.metrics import classification_metrics, confusion_matrix, mean_class_accuracy, topk_accuracy


def test_metrics_by_hand():
    scores = np.array([[0.9, 0.05, 0.05], [0.2, 0.3, 0.5], [0.1, 0.6, 0.3], [0.5, 0.4, 0.1]])
    labels = np.array([0, 1, 1, 1])
    pred = scores.argmax(1)  # 0, 2, 1, 0
    assert topk_accuracy(scores, labels, 1) == 0.5
    assert topk_accuracy(scores, labels, 2) == 1.0
    assert np.array_equal(confusion_matrix(pred, labels, 3), [[1, 0, 0], [1, 1, 1], [0, 0, 0]])
    assert np.isclose(mean_class_accuracy(pred, labels, 3), (1 + 1 / 3) / 2)  # class 2 absent: not averaged
    metrics = classification_metrics(scores, labels)
    assert metrics["top5"] == 1.0 and metrics["top1"] == 0.5
