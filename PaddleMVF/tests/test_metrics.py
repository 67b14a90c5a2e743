import numpy as np
import pytest

from utils.lr import WarmupCosine
from utils.metrics import evaluate_scores as evaluate
from utils.metrics import mean_class_accuracy, top_k_accuracy

SCORES = np.array([[0.1, 0.7, 0.2], [0.5, 0.2, 0.3], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1], [0.2, 0.5, 0.3]])
LABELS = [1, 1, 2, 0, 2]


def test_top_k():
    assert top_k_accuracy(SCORES, LABELS, (1, 2, 3)) == pytest.approx([3 / 5, 4 / 5, 1.0])


def test_mean_class_accuracy():
    # class 0: 1/1, class 1: 1/2, class 2: 1/2 -> mean 2/3 (top-1 is 3/5)
    assert mean_class_accuracy(SCORES, LABELS) == pytest.approx(2 / 3)
    assert evaluate(SCORES, LABELS) == pytest.approx({"top1": 0.6, "top5": 1.0, "mean_class_acc": 2 / 3})


def test_mean_class_accuracy_counts_predicted_only_classes_as_zero():
    """MVFNet codes/core/evaluation/accuracy.py mean_class_accuracy: the confusion matrix spans the
    union of true and predicted labels, and a class with no true sample adds 0.0 to the mean."""
    scores = np.eye(4)[[0, 3, 1]]  # predictions 0, 3, 1; class 3 never occurs in the labels
    # union {0, 1, 3}: class 0 1/2, class 1 1/1, class 3 0.0 -> 0.5 (the mean over true classes would be 0.75)
    assert mean_class_accuracy(scores, [0, 0, 1]) == pytest.approx(0.5)


def test_metrics_match_official_run():
    """MVFNet accuracy.py mean_class_accuracy / top_k_accuracy, values of the official run (fixture)."""
    import json
    import os
    with open(os.path.join(os.path.dirname(__file__), "fixtures", "mvfnet_official.json")) as f:
        case = json.load(f)["metrics"]
    m = evaluate(np.array(case["scores"]), case["labels"])
    assert m["mean_class_acc"] == pytest.approx(case["mean_class_accuracy"]) and m["top1"] == pytest.approx(case["top1"])


def test_warmup_cosine_per_iteration():
    sched = WarmupCosine(1.0, total_iters=100, warmup_iters=10)
    lrs = []
    for _ in range(101):
        lrs.append(sched.get_lr())
        sched.step()
    cos10 = 0.5 * (1 + np.cos(np.pi * 0.1))
    assert lrs[0] == 0.0 and lrs[5] == pytest.approx(cos10 / 2) and lrs[10] == pytest.approx(cos10)
    assert lrs[50] == pytest.approx(0.5) and lrs[100] == pytest.approx(0.0, abs=1e-12)
