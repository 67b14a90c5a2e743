"""Loader construction and the evaluation loop shared by train.py and test.py."""
from __future__ import annotations

import numpy as np
import paddle
from tqdm import tqdm

from models.recognizer3d import average_views
from utils.metrics import evaluate_scores


class WorkerInit:
    """Seeds numpy/python in each loader worker from seed + worker id + epoch (train.py sets `.epoch`)."""

    def __init__(self, seed: int) -> None:
        self.seed, self.epoch = seed, 0

    def __call__(self, worker_id: int) -> None:
        import random
        s = self.seed + worker_id + 1000 * self.epoch
        np.random.seed(s % 2 ** 32)
        random.seed(s)


def build_loader(dataset, batch_size: int, shuffle: bool, num_workers: int = 0, seed: int = 0,
                 drop_last: bool = False) -> paddle.io.DataLoader:
    """Training (shuffle): DistributedBatchSampler, which also serves one process and shuffles with
    RandomState(epoch) (set_epoch). Evaluation: a plain sampler, since rank 0 alone evaluates the whole split."""
    if shuffle:
        sampler = paddle.io.DistributedBatchSampler(dataset, batch_size=batch_size, shuffle=True, drop_last=drop_last)
    else:
        sampler = paddle.io.BatchSampler(dataset, batch_size=batch_size, shuffle=False, drop_last=drop_last)
    return paddle.io.DataLoader(dataset, batch_sampler=sampler, num_workers=num_workers,
                                worker_init_fn=WorkerInit(seed) if num_workers else None)


@paddle.no_grad()
def predict_scores(model, loader, desc: str = "eval") -> tuple[np.ndarray, np.ndarray]:
    """Video-level probabilities (softmax, averaged over each video's views) and labels."""
    model.eval()
    scores, labels = [], []
    for imgs, label in tqdm(loader, desc=desc, leave=False):
        views = imgs.shape[1]
        logits = model(imgs.reshape([-1, *imgs.shape[2:]]))
        scores.append(average_views(logits, views).numpy())
        labels.append(label.numpy().reshape(-1))
    return np.concatenate(scores), np.concatenate(labels)


def evaluate(model, loader, desc: str = "eval") -> dict:
    return evaluate_scores(*predict_scores(model, loader, desc))
