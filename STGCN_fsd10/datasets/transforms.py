"""The skeleton pipelines of the official configs, built from the config's `data.transforms` list.

Every transform takes and returns one sample [C, T, V, M]. Which transforms run is the config's choice,
as in PaddleVideo, whose pipeline is the config's PIPELINE section:
- FSD-10 (`configs/recognition/stgcn/stgcn_fsd.yaml`): AutoPadding(window_size=350) -> SkeletonNorm;
- NTU RGB+D (`configs/recognition/stgcn/stgcn_ntucs.yaml`): Iden (the data as it is, cast to float32),
  which is also what yysijie/st-gcn's feeder/feeder.py Feeder gives in its NTU test (window_size=-1).
Train = test in both; neither has augmentation or test-time augmentation.

Config form (a name, or a name with its arguments, as PaddleVideo's `- SkeletonNorm:` entries):
    transforms:
      - AutoPadding: {window_size: 350}
      - SkeletonNorm
"""
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np

from utils.config_schema import ConfigError


def valid_length(data: np.ndarray) -> int:
    """Frames up to the last one whose sum over channels, joints and persons is > 0.

    PaddleVideo paddlevideo/loader/pipelines/skeleton_pipeline.py AutoPadding.get_frame_num: frames whose
    sum is <= 0 count as padding, even inside a real sequence; an all-zero sample keeps its full length
    (the validator rejects such samples before they get here).
    """
    frame_sum = data.sum(axis=(0, 2, 3))
    valid = np.nonzero(frame_sum > 0)[0]
    return int(valid[-1]) + 1 if len(valid) else data.shape[1]


class AutoPadding:
    """Bring the valid part of a sample to exactly `window_size` frames (PaddleVideo AutoPadding.__call__).

    Shorter: zero-pad at the end (float64, as the official np.zeros). Longer: sample `window_size` frames
    evenly. Evenly means `linspace(0, T_valid - 1, W)`, first to last valid frame. PaddleVideo used
    `linspace(0, T_valid, W)`, whose last index is one past the valid part (a zero padding frame, or an
    IndexError when the file has no padding); `legacy_endpoint=True` reproduces that sampling, reading a
    zero frame where PaddleVideo would have crashed. The official `random_pad` is False in every ST-GCN
    config and is not implemented.
    """

    def __init__(self, window_size: int, legacy_endpoint: bool = False, random_pad: bool = False) -> None:
        if random_pad:
            raise ConfigError("data.transforms: AutoPadding random_pad: true is not implemented (every official "
                              "ST-GCN config has False), remove random_pad")
        if not isinstance(window_size, int) or window_size < 1:
            raise ConfigError(f"data.transforms: AutoPadding window_size must be a positive int, got "
                              f"{window_size!r}, set e.g. window_size: 350")
        self.window_size = window_size
        self.legacy_endpoint = legacy_endpoint

    def __call__(self, data: np.ndarray) -> np.ndarray:
        c, t, v, m = data.shape
        w = self.window_size
        t_valid = valid_length(data)
        if t_valid == w:
            return data[:, :w]
        if t_valid < w:
            out = np.zeros((c, w, v, m))  # float64 like the official np.zeros; SkeletonNorm casts
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
    """PaddleVideo SkeletonNorm.__call__: subtract joint 8 (all channels), keep the first `axis`, float32.

    Joint 8 is the mid-hip of FSD-10's BODY_25 layout; `center_joint` exists only to make that explicit
    (the official op hard-codes 8). The official `squeeze` (drop M) is not supported: the model needs M.
    """

    def __init__(self, axis: int = 2, center_joint: int = 8, squeeze: bool = False) -> None:
        if squeeze:
            raise ConfigError("data.transforms: SkeletonNorm squeeze: true drops the person axis the ST-GCN input "
                              "needs, remove squeeze")
        if not isinstance(axis, int) or isinstance(axis, bool) or axis < 1:
            raise ConfigError(f"data.transforms: SkeletonNorm axis must be a positive int, got {axis!r}")
        self.axis = axis
        self.center_joint = center_joint

    def __call__(self, data: np.ndarray) -> np.ndarray:
        data = data - data[:, :, self.center_joint:self.center_joint + 1, :]
        return data[:self.axis].astype(np.float32)


class Iden:
    """PaddleVideo Iden.__call__ (the stgcn_ntucs.yaml pipeline): the data as it is, as float32."""

    def __call__(self, data: np.ndarray) -> np.ndarray:
        return np.asarray(data).astype(np.float32)


TRANSFORMS = {"AutoPadding": AutoPadding, "SkeletonNorm": SkeletonNorm, "Iden": Iden}


class Compose:
    def __init__(self, transforms: List[Callable[[np.ndarray], np.ndarray]]) -> None:
        self.transforms = transforms

    def __call__(self, data: np.ndarray) -> np.ndarray:
        for transform in self.transforms:
            data = transform(data)
        return np.asarray(data, dtype=np.float32)

    @property
    def window_size(self) -> Optional[int]:
        """AutoPadding's window, or None when the pipeline keeps the file's T (e.g. NTU's Iden)."""
        pads = [t for t in self.transforms if isinstance(t, AutoPadding)]
        return pads[-1].window_size if pads else None

    @property
    def out_channels(self) -> Optional[int]:
        """Channels kept by SkeletonNorm, or None when the pipeline keeps the file's C."""
        norms = [t for t in self.transforms if isinstance(t, SkeletonNorm)]
        return norms[-1].axis if norms else None


def transform_specs(specs: Any) -> List[Tuple[str, Dict[str, Any]]]:
    """[(name, kwargs)] of a data.transforms list; a ConfigError names what is wrong."""
    if not isinstance(specs, list) or not specs:
        raise ConfigError("data.transforms: expected the list of the official pipeline, e.g. "
                          "[{AutoPadding: {window_size: 350}}, SkeletonNorm] for FSD-10 or [Iden] for NTU "
                          "(see configs/stgcn_fsd10.yaml and configs/stgcn_ntu_xsub.yaml)")
    out = []
    for spec in specs:
        if isinstance(spec, str):
            name, kwargs = spec, {}
        elif isinstance(spec, dict) and len(spec) == 1:
            name, kwargs = next(iter(spec.items()))
            kwargs = {} if kwargs is None else kwargs
        else:
            raise ConfigError(f"data.transforms: bad entry {spec!r}, write `- Name` or `- Name: {{arg: value}}`")
        if name not in TRANSFORMS:
            raise ConfigError(f"data.transforms: unknown transform {name!r}, use one of {sorted(TRANSFORMS)}")
        if not isinstance(kwargs, dict):
            raise ConfigError(f"data.transforms: arguments of {name} must be a mapping, got {kwargs!r}")
        out.append((name, dict(kwargs)))
    return out


def build_transforms(cfg: dict) -> Compose:
    """The pipeline of a config's data.transforms (train = test, as both official configs)."""
    ops = []
    for name, kwargs in transform_specs(cfg["data"]["transforms"]):
        try:
            ops.append(TRANSFORMS[name](**kwargs))
        except TypeError as err:
            raise ConfigError(f"data.transforms: bad arguments for {name} ({err}), see datasets/transforms.py") \
                from None
    return Compose(ops)
