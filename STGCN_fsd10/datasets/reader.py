"""Skeleton .npy files (FSD-10, and NTU RGB+D in yysijie's layout): read, validate, split. numpy only, so
infer.py and predict.py share it without importing paddle.

FSD-10: `*_data.npy` float [N, 3, T, 25, 1] (x, y in -1..1 and OpenPose confidence; BODY_25 joints;
zero-padded tail), `train_label.npy` int [N] in 0..29. test_A/test_B come without labels.
NTU RGB+D (yysijie tools/ntu_gendata.py): `{train,val}_data.npy` float [N, 3, 300, 25, 2] and
`{train,val}_label.pkl` = pickle of (sample names, labels), read as PaddleVideo's SkeletonDataset.load_file.
"""
import os
import pickle
from typing import Any, Dict, Tuple

import numpy as np

from utils.common import UserError

NUM_JOINTS = 25
CHUNK = 64  # samples checked at a time, so a memory-mapped 2 GB file is never fully in memory


def requirements(cfg: dict) -> Dict[str, Any]:
    """What the config's model and pipeline need of the data (keyword arguments of validate_data)."""
    from datasets.transforms import build_transforms
    return {"in_channels": cfg["model"]["in_channels"], "num_person": cfg["data"]["num_person"],
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


def read_npy(path: str, what: str, hint: str) -> np.ndarray:
    """np.load(path) memory-mapped; a missing, empty, pickled or damaged file is one UserError."""
    if not os.path.isfile(path):
        raise UserError(f"{what} not found, {path}, {hint}")
    if os.path.getsize(path) == 0:
        raise UserError(f"{what} {path} is empty (0 bytes), write it again with np.save")
    try:
        return np.load(path, mmap_mode="r", allow_pickle=False)
    except Exception as err:  # numpy raises ValueError/EOFError/OSError/UnpicklingError on foreign or cut files
        reason = str(err).splitlines()[0][:80] if str(err) else type(err).__name__
        raise UserError(f"cannot read {what} {path} as a .npy array ({reason}), save it with np.save "
                        "(a truncated file must be written again)") from None


def load_data(path: str, **req: Any) -> np.ndarray:
    """Memory-mapped, validated [N, C, T, 25, M] array (req: see requirements())."""
    data = read_npy(path, "data file", "pass --dataset_root <dir with train_data.npy> (or run: python "
                    "datasets/mini.py --out_dir data/mini)")
    validate_data(data, path, **req)
    return data


def load_samples(path: str, **req: Any) -> np.ndarray:
    """[N, C, T, V, M] from a data file or from one sample [C, T, V, M] (as example_skeleton.npy)."""
    data = read_npy(path, "input file", "pass --input_file <*.npy>")
    if data.ndim == 4:
        data = data[None]
    validate_data(data, path, **req)
    return data


def _read_label_pickle(path: str) -> Any:
    try:
        with open(path, "rb") as f:
            names, labels = pickle.load(f)  # yysijie tools/ntu_gendata.py: pickle.dump((sample_name, labels))
    except Exception as err:  # any unpickling or unpacking failure is the file's fault
        raise UserError(f"cannot read {path} as a (sample names, labels) pickle ({type(err).__name__}), "
                        "write it as yysijie's tools/ntu_gendata.py does") from None
    return labels


def load_labels(path: str, num_samples: int, num_classes: int) -> np.ndarray:
    """Validated int64 labels [N]: integral values (floats such as 3.0 are accepted, 0.5 is not), one per
    sample, in 0..num_classes-1."""
    if path.endswith(".pkl"):
        if not os.path.isfile(path):
            raise UserError(f"label file not found, {path}, put the label file beside the data file")
        labels = np.asarray(_read_label_pickle(path))
    else:
        labels = np.asarray(read_npy(path, "label file", "put train_label.npy beside train_data.npy"))
    if labels.ndim == 2 and labels.shape[1] == 1:
        labels = labels[:, 0]
    numeric = np.issubdtype(labels.dtype, np.integer) or np.issubdtype(labels.dtype, np.floating)
    if labels.ndim != 1 or not numeric or (np.issubdtype(labels.dtype, np.floating)
                                          and not (np.isfinite(labels) & (labels == np.round(labels))).all()):
        raise UserError(f"labels must be whole class ids [N], got {labels.dtype} {labels.shape}"
                        f"{' with non-integral values' if numeric and labels.ndim == 1 else ''}, {path}, "
                        "save class ids with .astype(np.int64)")
    if len(labels) != num_samples:
        raise UserError(f"{len(labels)} labels for {num_samples} samples, {path}, "
                        "the label file must belong to the data file (same N)")
    if labels.min() < 0 or labels.max() >= num_classes:
        raise UserError(f"labels must be in 0..{num_classes - 1}, found {labels.min():g}..{labels.max():g}, {path}, "
                        "set model.num_classes (and data.class_names) in the config")
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
    if subset == "val" and data_cfg["val_data_file"]:
        return (os.path.join(dataset_root, data_cfg["val_data_file"]),
                os.path.join(dataset_root, data_cfg["val_label_file"]))
    return (os.path.join(dataset_root, data_cfg["data_file"]), os.path.join(dataset_root, data_cfg["label_file"]))
