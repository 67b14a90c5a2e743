"""Classification metrics over a whole split: top-k, mean class accuracy, confusion matrix."""
import os
from typing import Dict

import numpy as np


def topk_accuracy(scores: np.ndarray, labels: np.ndarray, k: int = 1) -> float:
    """Fraction of samples whose label is among the k highest scores."""
    k = min(k, scores.shape[1])
    topk = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return float((topk == labels[:, None]).any(axis=1).mean())


def confusion_matrix(pred: np.ndarray, labels: np.ndarray, num_classes: int) -> np.ndarray:
    """cm[true, predicted] = count."""
    cm = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(cm, (labels, pred), 1)
    return cm


def mean_class_accuracy(pred: np.ndarray, labels: np.ndarray, num_classes: int) -> float:
    """Recall averaged over the classes present in labels."""
    cm = confusion_matrix(pred, labels, num_classes)
    support = cm.sum(axis=1)
    present = support > 0
    return float((np.diag(cm)[present] / support[present]).mean())


def classification_metrics(scores: np.ndarray, labels: np.ndarray) -> Dict[str, float]:
    pred = scores.argmax(axis=1)
    return {"top1": topk_accuracy(scores, labels, 1), "top5": topk_accuracy(scores, labels, 5),
            "mean_class_acc": mean_class_accuracy(pred, labels, scores.shape[1])}


def save_confusion_png(cm: np.ndarray, path: str, class_names=None) -> None:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    n = cm.shape[0]
    fig, ax = plt.subplots(figsize=(max(4, n * 0.35 + 2), max(4, n * 0.35 + 2)))
    image = ax.imshow(cm, cmap="Blues")
    fig.colorbar(image, ax=ax, fraction=0.046)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    ticks = range(n)
    ax.set_xticks(ticks, class_names or ticks, rotation=90, fontsize=7)
    ax.set_yticks(ticks, class_names or ticks, fontsize=7)
    if n <= 12:  # counts stay readable only on small matrices
        for (i, j), count in np.ndenumerate(cm):
            ax.text(j, i, str(count), ha="center", va="center", fontsize=8)
    ax.set_title("confusion matrix")
    fig.tight_layout()
    tmp = f"{path}.tmp-{os.getpid()}"  # written beside, then renamed: never a half-written picture
    fig.savefig(tmp, dpi=120, format="png")
    plt.close(fig)
    os.replace(tmp, path)


def collect_scores(model, loader) -> tuple:
    """Run model (eval mode) over a loader of a GuardedDataset; return (scores [N, classes], labels [N])."""
    import paddle

    from utils.fail_fast import guarded
    model.eval()
    scores, labels = [], []
    with paddle.no_grad():
        for x, y in guarded(loader):
            scores.append(model(x).numpy())
            labels.append(y.numpy().reshape(-1))
    return np.concatenate(scores), np.concatenate(labels)
