"""The FSD-10 pipeline of PaddleVideo (AutoPadding -> SkeletonNorm), as small composable classes.

Every transform takes and returns one sample [C, T, V, M].
"""
from typing import Callable, List

import numpy as np


def valid_length(data: np.ndarray) -> int:
    """Frames up to the last one whose sum over channels, joints and persons is > 0 (as PaddleVideo).

    Frames whose sum is <= 0 count as padding, even inside a real sequence; an all-zero sample keeps
    its full length (the validator rejects such samples before they get here).
    """
    frame_sum = data.sum(axis=(0, 2, 3))
    valid = np.nonzero(frame_sum > 0)[0]
    return int(valid[-1]) + 1 if len(valid) else data.shape[1]


class AutoPadding:
    """Bring the valid part of a sample to exactly `window_size` frames.

    Shorter: zero-pad at the end. Longer: sample `window_size` frames evenly.
    Evenly means `linspace(0, T_valid - 1, W)`, first to last valid frame. PaddleVideo used
    `linspace(0, T_valid, W)`, whose last index is one past the valid part (a zero padding frame,
    or IndexError when the file has no padding); `legacy_endpoint=True` reproduces that sampling,
    reading a zero frame where PaddleVideo would have crashed.
    """

    def __init__(self, window_size: int = 1000, legacy_endpoint: bool = False) -> None:
        self.window_size = window_size
        self.legacy_endpoint = legacy_endpoint

    def __call__(self, data: np.ndarray) -> np.ndarray:
        c, t, v, m = data.shape
        w = self.window_size
        t_valid = valid_length(data)
        if t_valid == w:
            return data[:, :w]
        if t_valid < w:
            out = np.zeros((c, w, v, m), dtype=data.dtype)
            out[:, :t_valid] = data[:, :t_valid]
            return out
        if self.legacy_endpoint:
            index = np.linspace(0, t_valid, w).astype(np.int64)
            if t_valid == t:  # PaddleVideo's IndexError case: read a zero frame instead
                data = np.concatenate([data, np.zeros((c, 1, v, m), data.dtype)], axis=1)
            return data[:, index]
        index = np.linspace(0, t_valid - 1, w).astype(np.int64)
        return data[:, index]


class SkeletonNorm:
    """Centre every frame on one joint (mid-hip 8 for BODY_25) and keep the first `keep_channels` (x, y)."""

    def __init__(self, center_joint: int = 8, keep_channels: int = 2) -> None:
        self.center_joint = center_joint
        self.keep_channels = keep_channels

    def __call__(self, data: np.ndarray) -> np.ndarray:
        data = data - data[:, :, self.center_joint:self.center_joint + 1, :]
        return data[:self.keep_channels].astype(np.float32)


class Compose:
    def __init__(self, transforms: List[Callable[[np.ndarray], np.ndarray]]) -> None:
        self.transforms = transforms

    def __call__(self, data: np.ndarray) -> np.ndarray:
        for transform in self.transforms:
            data = transform(data)
        return data


def build_transforms(cfg: dict) -> Compose:
    """The pipeline of a config (train = test, no augmentation, as the official config)."""
    data_cfg = cfg["data"]
    return Compose([
        AutoPadding(data_cfg.get("window_size", 1000), data_cfg.get("legacy_endpoint", False)),
        SkeletonNorm(data_cfg.get("center_joint", 8), cfg["model"].get("in_channels", 2)),
    ])
