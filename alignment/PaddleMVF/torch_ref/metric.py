"""mmaction-style top-k accuracy and mean class accuracy, written with torch ops."""
import torch


def top_k_accuracy(scores: torch.Tensor, labels: torch.Tensor, k: int) -> float:
    topk = scores.topk(k, dim=1).indices
    return (topk == labels[:, None]).any(dim=1).float().mean().item()


def mean_class_accuracy(scores: torch.Tensor, labels: torch.Tensor) -> float:
    pred = scores.argmax(dim=1)
    accs = [(pred[labels == c] == c).float().mean() for c in labels.unique()]
    return torch.stack(accs).mean().item()
