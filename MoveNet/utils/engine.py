"""Evaluation pass and data loaders shared by train.py and test.py."""
from typing import Dict

import numpy as np
import paddle
from paddle.io import BatchSampler, DataLoader, DistributedBatchSampler
from tqdm import tqdm

from datasets.coco_crops import CocoCropDataset
from models.decode import decode_labels, movenet_decode
from utils.metrics import KeypointMetric, joint_correct


def make_loader(dataset: CocoCropDataset, batch_size: int, shuffle: bool, num_workers: int, seed: int = 0
                ) -> DataLoader:
    """Training (shuffle): DistributedBatchSampler, whose shuffle is seeded by the epoch (set_epoch), so a resumed
    run repeats the uninterrupted one, and which splits the data across ranks under paddle.distributed.launch.
    Evaluation: every sample in order (rank 0 evaluates alone)."""
    if shuffle:
        sampler = DistributedBatchSampler(dataset, batch_size=batch_size, shuffle=True, drop_last=False)
    else:
        sampler = BatchSampler(dataset, batch_size=batch_size, shuffle=False, drop_last=False)
    return DataLoader(dataset, batch_sampler=sampler, num_workers=num_workers,
                      worker_init_fn=lambda wid: np.random.seed(seed + wid + dataset.epoch))


def batch_acc(outputs, labels: paddle.Tensor, kps_mask: paddle.Tensor, hm_th: float, th: float) -> float:
    """Mean per-joint acc of one batch (for the training log)."""
    with paddle.no_grad():
        pred = movenet_decode(*[o.detach() for o in outputs], hm_th=hm_th).numpy()
    gt = decode_labels(labels.numpy(), kps_mask.numpy())
    return float(joint_correct(pred, gt, th).mean() / len(pred))


@paddle.no_grad()
def evaluate(model: paddle.nn.Layer, loader: DataLoader, hm_th: float = 0.1, th: float = 5 / 192,
             show_progress: bool = True) -> Dict[str, float]:
    """acc (the original's myAcc, mean over joints) and COCO OKS AP/AP50/AR on the crops."""
    model.eval()
    metric = KeypointMetric(th=th)
    for img, labels, kps_mask, kps, area in tqdm(loader, desc='eval', leave=False, disable=not show_progress):
        pred = movenet_decode(*model(img), hm_th=hm_th).numpy()
        metric.update(pred, decode_labels(labels.numpy(), kps_mask.numpy()), kps.numpy(), area.numpy()[:, 0])
    model.train()
    return metric.accumulate()
