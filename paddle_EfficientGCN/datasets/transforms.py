"""Per-sample transforms on [C=3, T, V=25, M] skeletons (numpy), composed by the feeder.

MultiInput stacks the three EfficientGCN inputs, each with 6 channels, into [3, 6, T, V, M]:
  J = [xyz, xyz - xyz of the centre joint], V = [x[t+1] - x[t], x[t+2] - x[t]] (last two frames 0),
  B = [x - x[parent], arccos(bone_c / (|bone| + 1e-4))].
Dtypes follow EfficientGCNv1 src/dataset/ntu_feeder.py NTU_Feeder.multi_input: the differences are taken on the
float32 data (numpy float32 subtraction), stored in float64 arrays, the bone length and arccos are computed in
float64, and the processor casts the batch to float32 (`x.float()`); MultiInput casts at its end.
"""
from typing import Callable, List, Sequence

import numpy as np

from models.graph import CENTER_JOINT, CONNECT_JOINT


class Compose:
    def __init__(self, transforms: List[Callable[[np.ndarray], np.ndarray]]):
        self.transforms = transforms

    def __call__(self, x: np.ndarray) -> np.ndarray:
        for t in self.transforms:
            x = t(x)
        return x


class TakeFirstFrames:
    """Keep the first num_frame frames (the official feeder's data[:, :T]); zero-pad a shorter array."""

    def __init__(self, num_frame: int):
        self.num_frame = num_frame

    def __call__(self, x: np.ndarray) -> np.ndarray:
        x = x[:, :self.num_frame]
        if x.shape[1] < self.num_frame:
            x = np.concatenate([x, np.zeros((x.shape[0], self.num_frame - x.shape[1]) + x.shape[2:], x.dtype)], 1)
        return x


class JointFeature:
    def __init__(self, center: int = CENTER_JOINT):
        self.center = center

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.concatenate([x, x - x[:, :, self.center:self.center + 1]], axis=0)


class VelocityFeature:
    def __call__(self, x: np.ndarray) -> np.ndarray:
        out = np.zeros((2 * x.shape[0],) + x.shape[1:], x.dtype)
        t = x.shape[1]
        if t > 2:
            out[:x.shape[0], :t - 2] = x[:, 1:t - 1] - x[:, :t - 2]
            out[x.shape[0]:, :t - 2] = x[:, 2:] - x[:, :t - 2]
        return out


class BoneFeature:
    def __init__(self, parents: Sequence[int] = tuple(CONNECT_JOINT)):
        self.parents = np.asarray(parents)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        bone = (x - x[:, :, self.parents]).astype(np.float64)  # difference in the data dtype, then float64
        length = np.sqrt((bone ** 2).sum(0, keepdims=True)) + 1e-4
        return np.concatenate([bone, np.arccos(bone / length)], axis=0)


class MultiInput:
    """[3, T, V, M] -> [len(inputs), 6, T, V, M] float32, inputs a string over 'J', 'V', 'B' (official 'JVB')."""

    FEATURES = {'J': JointFeature, 'V': VelocityFeature, 'B': BoneFeature}

    def __init__(self, inputs: str = 'JVB'):
        unknown = set(inputs) - set(self.FEATURES)
        if not inputs or unknown:
            raise ValueError(f'inputs must be letters of JVB, got {inputs!r}')
        self.features = [self.FEATURES[k]() for k in inputs]

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return np.stack([f(x).astype(np.float64) for f in self.features]).astype(np.float32)


def build_transform(num_frame: int, inputs: str) -> Compose:
    """The per-sample pipeline of training, evaluation, predict.py and infer.py: the first num_frame frames, then
    the J/V/B streams of `inputs` (official NTU_Feeder.__getitem__ + multi_input)."""
    return Compose([TakeFirstFrames(num_frame), MultiInput(inputs)])
