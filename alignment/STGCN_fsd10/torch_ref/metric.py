"""Loss and metrics in torch, written from the official sources.

- loss: PaddleVideo paddlevideo/modeling/heads/base.py BaseHead.loss (loss_func CrossEntropyLoss, mean; no
  label smoothing in STGCNHead's configs) = yysijie processor/recognition.py nn.CrossEntropyLoss.
- top-k: PaddleVideo paddlevideo/metrics/skeleton_metric.py SkeletonMetric.update/accumulate: per test batch
  paddle.metric.accuracy(k=1 / k=5), then the mean over batches (test_batch_size 1: the mean over samples);
  yysijie REC_Processor.show_topk (label in the k last of argsort) gives the same numbers.
- mean class accuracy: ours (utils/metrics.py), no official counterpart: the recall of each class present.
"""
import numpy as np
import torch
import torch.nn.functional as F


def loss(logits, labels):
    return F.cross_entropy(logits, labels)


def skeleton_metric_topk(scores, labels, k, batch_size=1):
    """SkeletonMetric: accuracy of each batch (label among the k largest scores), averaged over batches."""
    per_batch = []
    for start in range(0, len(labels), batch_size):
        s, y = scores[start:start + batch_size], labels[start:start + batch_size]
        topk = s.topk(k, dim=1).indices  # paddle.metric.accuracy: topk, then any match per row
        per_batch.append((topk == y[:, None]).any(dim=1).float().mean().item())
    return float(np.mean(per_batch))


def show_topk(scores, labels, k):
    """yysijie REC_Processor.show_topk: rank = argsort; hit when l in rank[i, -k:]."""
    rank = scores.numpy().argsort()
    hits = [int(l) in rank[i, -k:] for i, l in enumerate(labels.numpy())]
    return sum(hits) * 1.0 / len(hits)


def mean_class_accuracy(scores, labels):
    pred = scores.argmax(dim=1)
    recalls = [(pred[labels == c] == c).float().mean() for c in labels.unique()]
    return torch.stack(recalls).mean().item()
