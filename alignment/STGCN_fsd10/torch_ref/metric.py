"""Reference metrics and loss in torch: top-k accuracy, mean class accuracy, cross entropy."""
import torch
import torch.nn.functional as F


def topk_accuracy(scores: torch.Tensor, labels: torch.Tensor, k: int) -> torch.Tensor:
    topk = scores.topk(min(k, scores.size(1)), dim=1).indices
    return (topk == labels[:, None]).any(dim=1).float().mean()


def mean_class_accuracy(scores: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    pred = scores.argmax(dim=1)
    recalls = [(pred[labels == c] == c).float().mean() for c in labels.unique()]
    return torch.stack(recalls).mean()


def loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    return F.cross_entropy(logits, labels)
