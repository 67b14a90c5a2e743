"""The paddle side of the data: a Dataset of labelled samples through the pipeline, and its loaders.

Reading and validating the files is datasets/reader.py (numpy only).
"""
import os
from typing import Callable, Tuple

import numpy as np
import paddle

from utils.fail_fast import GuardedDataset


class FSD10Dataset(paddle.io.Dataset):
    """Labelled samples `indices` of a [N, C, T, V, M] array read from `source`, each through `transform`."""

    def __init__(self, data: np.ndarray, labels: np.ndarray, indices: np.ndarray,
                 transform: Callable[[np.ndarray], np.ndarray], source: str = "data") -> None:
        super().__init__()
        self.data, self.labels, self.indices, self.transform = data, labels, indices, transform
        self.source = source

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i: int) -> Tuple[np.ndarray, np.ndarray]:
        k = int(self.indices[i])
        return self.transform(np.asarray(self.data[k])), np.array([self.labels[k]], dtype=np.int64)

    def sample_name(self, i: int) -> str:
        """The file and the sample's index in it, for error lines (fail_fast.GuardedDataset)."""
        return f"{os.path.basename(self.source)}[{int(self.indices[i])}] ({self.source})"


def build_loader(dataset: FSD10Dataset, batch_size: int, shuffle: bool, num_workers: int = 0,
                 drop_last: bool = False, distributed: bool = True):
    """(loader, batch sampler) over a GuardedDataset (a bad sample ends the run with one line, never a hang).

    distributed: this rank's share (DistributedBatchSampler; call sampler.set_epoch(k) before epoch k to
    reshuffle reproducibly); else every sample (evaluation on rank 0 covers the whole set)."""
    guarded = GuardedDataset(dataset)
    if distributed:
        sampler = paddle.io.DistributedBatchSampler(guarded, batch_size=batch_size, shuffle=shuffle,
                                                    drop_last=drop_last)
    else:
        sampler = paddle.io.BatchSampler(guarded, batch_size=batch_size, shuffle=shuffle, drop_last=drop_last)
    return paddle.io.DataLoader(guarded, batch_sampler=sampler, num_workers=num_workers), sampler
