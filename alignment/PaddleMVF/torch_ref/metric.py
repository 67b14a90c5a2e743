"""MVFNet's test metrics with torch ops: our own code, written line by line from whwu95/MVFNet
(commit 0ddc7e2) codes/core/evaluation/accuracy.py (top_k_accuracy / top_k_hit, mean_class_accuracy /
confusion_matrix), as test_recognizer.py calls them on the softmax-averaged scores."""
import torch


def top_k_accuracy(scores: torch.Tensor, labels: torch.Tensor, k: int) -> float:
    """top_k_accuracy with top_k_hit: a hit when the label is among argsort(score)[-k:]."""
    hits = []
    for x, y in zip(scores, labels):
        idx = torch.argsort(x)[-k:]  # ascending order, the k largest at the end
        hits.append(float(bool((idx == y).any())))
    return float(torch.tensor(hits, dtype=torch.float64).mean())


def mean_class_accuracy(scores: torch.Tensor, labels: torch.Tensor) -> float:
    """mean_class_accuracy: confusion matrix over label_set = unique(concat(pred, real));
    per row hit / cnt, or 0.0 when a (predicted-only) class has no true sample; then the mean."""
    pred = torch.argmax(scores, dim=1)
    label_set = torch.unique(torch.cat([pred, labels]))
    label_map = {int(c): i for i, c in enumerate(label_set)}
    cf = torch.zeros(len(label_set), len(label_set), dtype=torch.float64)
    for r, p in zip(labels.tolist(), pred.tolist()):
        cf[label_map[r], label_map[p]] += 1
    cls_cnt, cls_hit = cf.sum(dim=1), torch.diag(cf)
    return float(torch.tensor([float(h / c) if c else 0.0 for c, h in zip(cls_cnt, cls_hit)],
                              dtype=torch.float64).mean())
