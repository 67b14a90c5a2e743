"""Readers of UCF-101 rawframes, the video transforms and the mini-data generator."""
import os

import numpy as np
import paddle

from .rawframes import RawframeDataset, list_file, read_list, validate_records
from .transforms import build_pipeline


def build_dataset(data_cfg: dict, dataset_root: str, split: int, mode: str, num_classes: int = None,
                  validate: bool = True) -> RawframeDataset:
    """mode 'train' reads the train list; 'val'/'test' read the val (= UCF test) list."""
    records = read_list(list_file(dataset_root, split, mode == "train"))
    frame_root = os.path.join(dataset_root, data_cfg.get("rawframes", "rawframes"))
    if validate:
        validate_records(frame_root, records, num_classes)
    return RawframeDataset(frame_root, records, build_pipeline(data_cfg, mode))


def build_loader(dataset, batch_size: int, train: bool, num_workers: int = 0, seed: int = 0, epoch: int = 0):
    """Training: a DistributedBatchSampler (one replica outside a launch) whose shuffle depends only on
    the epoch, and worker i of epoch e seeded with seed + 1000 * e + i, so a resumed run sees the same
    batches. Evaluation: every sample in order, unsharded (rank 0 evaluates alone)."""
    if train:
        sampler = paddle.io.DistributedBatchSampler(dataset, batch_size, shuffle=True, drop_last=True)
        sampler.set_epoch(epoch)
    else:
        sampler = paddle.io.BatchSampler(dataset, batch_size=batch_size, shuffle=False, drop_last=False)

    def worker_init(worker_id: int) -> None:
        np.random.seed((seed + 1000 * epoch + worker_id) % 2 ** 32)

    return paddle.io.DataLoader(dataset, batch_sampler=sampler, num_workers=num_workers,
                                worker_init_fn=worker_init if num_workers > 0 else None)
