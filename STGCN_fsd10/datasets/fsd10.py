"""Skeleton .npy files (FSD-10, and NTU RGB+D in yysijie's layout): read, validate, split, serve samples.

FSD-10: `*_data.npy` float [N, 3, T, 25, 1] (x, y in -1..1 and OpenPose confidence; BODY_25 joints;
zero-padded tail), `train_label.npy` int [N] in 0..29. test_A/test_B come without labels.
NTU RGB+D (yysijie tools/ntu_gendata.py): `{train,val}_data.npy` float [N, 3, 300, 25, 2] and
`{train,val}_label.pkl` = pickle of (sample names, labels), read as PaddleVideo's SkeletonDataset.load_file.
"""
import os
import pickle
from typing import Any, Callable, Dict, Tuple

import numpy as np
import paddle

from utils.common import UserError

NUM_JOINTS = 25
CHUNK = 64  # samples checked at a time, so a memory-mapped 2 GB file is never fully in memory


def requirements(cfg: dict) -> Dict[str, Any]:
    """What the config's model and pipeline need of the data (keyword arguments of validate_data)."""
    from datasets.transforms import build_transforms
    from utils.common import num_person
    return {"in_channels": cfg["model"].get("in_channels", 2), "num_person": num_person(cfg),
            # without SkeletonNorm the channels reach the model as they are
            "exact_channels": build_transforms(cfg).out_channels is None}


def validate_data(data: np.ndarray, where: str, in_channels: int = 2, num_person: int = None,
                  exact_channels: bool = False) -> None:
    """Raise UserError naming the first problem of a [N, C, T, V, M] skeleton array."""
    if data.ndim != 5:
        raise UserError(f"skeleton data must have 5 dims [N, C, T, V=25, M], got shape {data.shape}, {where}, "
                        "a single sample [C, T, V, M] needs a leading batch axis (np.expand_dims(x, 0))")
    n, c, t, v, m = data.shape
    if v != NUM_JOINTS:
        raise UserError(f"expected {NUM_JOINTS} joints (OpenPose BODY_25) on axis 3, got {v} (shape {data.shape}), "
                        f"{where}, convert the keypoints to BODY_25 order or use another joint layout")
    if c < in_channels or n == 0 or t == 0 or m == 0:
        raise UserError(f"expected N>0 samples, C>={in_channels} channels (x, y[, confidence]), T>0 frames and "
                        f"M>0 persons, got shape {data.shape}, {where}, check the file")
    if exact_channels and c != in_channels:
        raise UserError(f"the data has {c} channels but model.in_channels is {in_channels} and the config's "
                        f"pipeline feeds the channels as they are, {where}, use the config of this data "
                        "(FSD-10 x, y, confidence: configs/stgcn_fsd10.yaml; NTU x, y, z: configs/stgcn_ntu_xsub.yaml)")
    if num_person is not None and m != num_person:
        raise UserError(f"the data has M={m} persons per sample but the config says data.num_person: {num_person}, "
                        f"{where}, use the config of this data's layout (FSD-10: M=1, NTU RGB+D: M=2)")
    if not np.issubdtype(data.dtype, np.floating):
        raise UserError(f"skeleton data must be float, got {data.dtype}, {where}, save it with .astype(np.float32)")
    for start in range(0, n, CHUNK):
        chunk = np.asarray(data[start:start + CHUNK])
        bad = ~np.isfinite(chunk).reshape(len(chunk), -1).all(axis=1)
        if bad.any():
            raise UserError(f"sample {start + int(np.argmax(bad))} contains NaN or inf, {where}, "
                            "replace missing keypoints by 0 (as OpenPose does)")
        empty = ~(chunk.reshape(len(chunk), -1) != 0).any(axis=1)
        if empty.any():
            raise UserError(f"sample {start + int(np.argmax(empty))} is all zeros (no skeleton in any frame), "
                            f"{where}, drop that sample (PaddleVideo's AutoPadding crashes on it)")


def load_data(path: str, **req: Any) -> np.ndarray:
    """Memory-mapped, validated [N, C, T, 25, M] array (req: see requirements())."""
    if not os.path.isfile(path):
        raise UserError(f"data file not found, {path}, pass --dataset_root <dir with train_data.npy> "
                        "(or run: python datasets/mini.py --out_dir data/mini)")
    try:
        data = np.load(path, mmap_mode="r")
    except ValueError as err:
        raise UserError(f"cannot read {path} as a .npy array ({err}), save it with np.save") from err
    validate_data(data, path, **req)
    return data


def load_samples(path: str, **req: Any) -> np.ndarray:
    """[N, C, T, V, M] from a data file or from one sample [C, T, V, M] (as example_skeleton.npy)."""
    if not os.path.isfile(path):
        raise UserError(f"input file not found, {path}, pass --input_file <*.npy>")
    try:
        data = np.load(path, mmap_mode="r")
    except ValueError as err:
        raise UserError(f"cannot read {path} as a .npy array ({err}), save it with np.save") from err
    if data.ndim == 4:
        data = data[None]
    validate_data(data, path, **req)
    return data


def load_labels(path: str, num_samples: int, num_classes: int) -> np.ndarray:
    if not os.path.isfile(path):
        raise UserError(f"label file not found, {path}, put train_label.npy beside train_data.npy")
    if path.endswith(".pkl"):  # yysijie tools/ntu_gendata.py: pickle.dump((sample_name, list(sample_label)))
        try:
            with open(path, "rb") as f:
                _, labels = pickle.load(f)
        except Exception as err:  # noqa: BLE001 (any unpickling failure is the file's fault)
            raise UserError(f"cannot read {path} as a (sample names, labels) pickle ({type(err).__name__}), "
                            "write it as yysijie's tools/ntu_gendata.py does") from err
        labels = np.asarray(labels)
    else:
        labels = np.load(path)
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise UserError(f"labels must be an int array [N], got {labels.dtype} {labels.shape}, {path}, "
                        "save class ids with .astype(np.int64)")
    if len(labels) != num_samples:
        raise UserError(f"{len(labels)} labels for {num_samples} samples, {path}, "
                        "the label file must belong to the data file (same N)")
    if labels.min() < 0 or labels.max() >= num_classes:
        raise UserError(f"labels must be in 0..{num_classes - 1}, found {labels.min()}..{labels.max()}, {path}, "
                        "set model.num_classes in the config")
    return labels.astype(np.int64)


def split_indices(num_samples: int, subset: str, full_train: bool = False) -> np.ndarray:
    """The seed's held-out split: sample i is validation when i % 7 == 1; --full_train trains on all."""
    index = np.arange(num_samples)
    if subset == "train":
        return index if full_train else index[index % 7 != 1]
    if subset == "val":
        return index[index % 7 == 1]
    raise ValueError(f"unknown subset {subset!r}")


def dataset_files(dataset_root: str, data_cfg: dict, subset: str = "train") -> Tuple[str, str]:
    """(data file, label file) of a subset. "val" gives the separate validation files when the config
    names them (NTU: val_data.npy / val_label.pkl, as yysijie's and PaddleVideo's NTU configs), else the
    training files (FSD-10: the held-out split is cut out of them by split_indices)."""
    if subset == "val" and data_cfg.get("val_data_file"):
        return (os.path.join(dataset_root, data_cfg["val_data_file"]),
                os.path.join(dataset_root, data_cfg.get("val_label_file", "val_label.pkl")))
    return (os.path.join(dataset_root, data_cfg.get("data_file", "train_data.npy")),
            os.path.join(dataset_root, data_cfg.get("label_file", "train_label.npy")))


class FSD10Dataset(paddle.io.Dataset):
    """Labelled samples `indices` of a [N, C, T, V, M] array, each through `transform`."""

    def __init__(self, data: np.ndarray, labels: np.ndarray, indices: np.ndarray,
                 transform: Callable[[np.ndarray], np.ndarray]) -> None:
        super().__init__()
        self.data, self.labels, self.indices, self.transform = data, labels, indices, transform

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i: int) -> Tuple[np.ndarray, np.ndarray]:
        k = int(self.indices[i])
        return self.transform(np.asarray(self.data[k])), np.array([self.labels[k]], dtype=np.int64)


def build_loader(dataset: FSD10Dataset, batch_size: int, shuffle: bool, num_workers: int = 0,
                 drop_last: bool = False) -> Tuple[paddle.io.DataLoader, paddle.io.DistributedBatchSampler]:
    """Loader over this rank's share; call sampler.set_epoch(k) before epoch k to reshuffle reproducibly."""
    sampler = paddle.io.DistributedBatchSampler(dataset, batch_size=batch_size, shuffle=shuffle,
                                                drop_last=drop_last)
    loader = paddle.io.DataLoader(dataset, batch_sampler=sampler, num_workers=num_workers)
    return loader, sampler
