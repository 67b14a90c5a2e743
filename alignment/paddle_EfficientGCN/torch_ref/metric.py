"""Loss, metrics and lr schedule of the official trainer, written from EfficientGCNv1 src/initializer.py
(init_loss_func, init_lr_scheduler), src/processor.py (Processor.eval) and src/scheduler/lr_schedulers.py."""
import numpy as np
import torch


def loss_fn(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Initializer.init_loss_func: torch.nn.CrossEntropyLoss() (mean, no label smoothing)."""
    return torch.nn.CrossEntropyLoss()(logits, labels)


def metrics(scores: torch.Tensor, labels: torch.Tensor, num_class: int) -> dict:
    """Processor.eval: top-1 from out.max(1)[1], top-5 = label in torch.topk(out, 5)[1], and the confusion matrix
    cm[y, top1]; mean class accuracy = mean over the classes present of the cm diagonal / row sum."""
    top1 = scores.max(1)[1]
    top5 = torch.topk(scores, 5)[1]
    n = scores.size(0)
    num_top1 = top1.eq(labels).sum().item()
    num_top5 = sum([labels[i] in top5[i, :] for i in range(n)])
    cm = np.zeros((num_class, num_class))
    for i in range(n):
        cm[labels[i], top1[i]] += 1
    rows = cm.sum(1)
    return {'top1_acc': num_top1 / n, 'top5_acc': float(num_top5) / n,
            'mean_class_acc': float(np.mean([cm[c, c] / rows[c] for c in range(num_class) if rows[c] > 0]))}


def cosine_lr_lambda(iters_per_epoch: int, max_epoch: int, warm_up: int):
    """lr_schedulers.py Cosine_Scheduler.lr_lambda, stepped once per iteration (Processor.train calls
    scheduler.step() after every optimizer.step())."""
    warm, total = warm_up * iters_per_epoch, max_epoch * iters_per_epoch
    return lambda num: num / warm if num < warm else 0.5 * (np.cos((num - warm) / (total - warm) * np.pi) + 1)
