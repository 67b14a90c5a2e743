"""Reader + validator for the PoseC3D skeleton pickle ({'split': {...}, 'annotations': [...]}), splits 1-3."""
from __future__ import annotations

import os
import pickle
import warnings

import numpy as np
import paddle

from datasets.transforms import Compose, build_pipeline
from utils import UserError

REQUIRED_KEYS = ("frame_dir", "label", "total_frames", "img_shape", "keypoint", "keypoint_score")
NUM_JOINTS = 17  # COCO-17 layout (HRNet keypoints)


def load_pickle(path: str):
    if not os.path.isfile(path):
        raise UserError(f"file not found, {path}, pass the pose .pkl (e.g. ucf101.pkl) with --dataset_root")
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (pickle.UnpicklingError, EOFError, ValueError) as exc:
        raise UserError(f"not a readable pickle ({exc}), {path}, pass the UCF-101/NTU pose .pkl") from None


def validate_annotation(ann, where: str, num_classes: int | None = None) -> None:
    """Raise a UserError naming `where` for anything the pipeline cannot use."""
    if not isinstance(ann, dict):
        raise UserError(f"annotation is a {type(ann).__name__}, not a dict, {where}, regenerate the pkl")
    missing = [k for k in REQUIRED_KEYS if k not in ann]
    if missing:
        raise UserError(f"annotation misses keys {missing}, {where}, each entry needs {list(REQUIRED_KEYS)}")
    kp, score = ann["keypoint"], ann["keypoint_score"]
    if not isinstance(kp, np.ndarray) or kp.dtype.kind != "f" or not isinstance(score, np.ndarray) \
            or score.dtype.kind != "f":
        raise UserError(f"keypoint/keypoint_score must be float arrays, {where}, store them as float16/float32")
    if kp.ndim != 4 or kp.shape[-1] != 2:
        raise UserError(f"keypoint shape {kp.shape} is not [M, T, 17, 2], {where}, store pixel x,y per joint")
    if kp.shape[2] != NUM_JOINTS:
        raise UserError(f"{kp.shape[2]} joints instead of the COCO-17 layout, {where}, "
                        "convert the keypoints to COCO-17 order")
    if score.shape != kp.shape[:3]:
        raise UserError(f"keypoint_score shape {score.shape} does not match keypoint {kp.shape[:3]}, {where}, "
                        "store one score per person, frame and joint")
    total = ann["total_frames"]
    if int(total) < 1 or kp.shape[1] != int(total):
        raise UserError(f"total_frames={total} but keypoint has {kp.shape[1]} frames, {where}, "
                        "set total_frames to the number of frames")
    # NaN coordinates are allowed: PoseCompact turns them into 0 (missing), as mmaction2 does
    if np.isinf(kp).any() or not np.isfinite(score).all():
        raise UserError(f"inf in keypoint or NaN/inf in keypoint_score, {where}, "
                        "replace missing joints by 0 with score 0")
    label = ann["label"]
    if not isinstance(label, (int, np.integer)) or label < 0 or (num_classes is not None and label >= num_classes):
        raise UserError(f"label {label!r} is not an int in [0, {num_classes}), {where}, "
                        "fix the label or set model.num_classes")


def load_split(path: str, split: str, num_classes: int | None = None) -> list[dict]:
    """Annotations of one split ('train1', 'test1', ...), validated; zero-person videos kept with a warning
    (their heatmaps are empty, as in mmaction2)."""
    data = load_pickle(path)
    if not isinstance(data, dict) or "annotations" not in data or "split" not in data:
        raise UserError(f"top level is not {{'split', 'annotations'}}, {path}, use the mmaction2/pyskl pose pkl")
    if split not in data["split"]:
        raise UserError(f"split '{split}' not in {sorted(data['split'])}, {path}, choose data.split 1, 2 or 3 "
                        "(UCF/HMDB) or set data.train_split / data.test_split (e.g. xsub_train / xsub_val)")
    names = set(data["split"][split])
    anns = [a for a in data["annotations"] if isinstance(a, dict) and a.get("frame_dir") in names]
    if len(anns) != len(names):
        raise UserError(f"{len(names) - len(anns)} videos of split '{split}' have no annotation, {path}, "
                        "regenerate the pkl")
    empty = nan = 0
    for i, ann in enumerate(anns):
        validate_annotation(ann, f"{path}: {split}[{i}] ({ann['frame_dir']})", num_classes)
        empty += int(ann["keypoint"].shape[0] == 0 or not ann["keypoint_score"].any())
        nan += int(np.isnan(ann["keypoint"]).any())
    if empty:
        warnings.warn(f"{empty} videos of {split} in {path} have no detected person: their heatmaps are empty")
    if nan:
        warnings.warn(f"{nan} videos of {split} in {path} have NaN keypoints: treated as missing joints (0)")
    return anns


def load_videos(path: str) -> list[dict]:
    """Videos to predict: a pkl holding one annotation dict (like PaddleVideo's example), a list of them, or a
    whole {'split', 'annotations'} file; each validated."""
    data = load_pickle(path)
    if isinstance(data, dict) and "annotations" in data:
        data = data["annotations"]
    anns = data if isinstance(data, list) else [data]
    for i, ann in enumerate(anns):
        validate_annotation(ann, f"{path}[{i}]")
    return anns


class PoseDataset(paddle.io.Dataset):
    """`repeat` > 1 is mmaction2's RepeatDataset (one epoch = `repeat` passes over the videos)."""

    def __init__(self, anns: list[dict], pipeline: Compose, repeat: int = 1) -> None:
        super().__init__()
        self.anns, self.pipeline, self.repeat = anns, pipeline, repeat

    def __len__(self) -> int:
        return len(self.anns) * self.repeat

    def __getitem__(self, idx: int):
        ann = self.anns[idx % len(self.anns)]
        results = self.pipeline(dict(ann, start_index=ann.get("start_index", 0)))
        return results["imgs"], np.int64(ann["label"])


def build_dataset(path: str, cfg: dict, mode: str) -> PoseDataset:
    """mode 'train' | 'val' | 'test' on split `data.train_split` / `data.test_split` (NTU: 'xsub_train' /
    'xsub_val'), by default train<k> / test<k> with k = `data.split` (UCF-101, HMDB-51)."""
    data_cfg = cfg["data"]
    key = "train_split" if mode == "train" else "test_split"
    split = data_cfg.get(key) or f"{'train' if mode == 'train' else 'test'}{data_cfg.get('split', 1)}"
    anns = load_split(path, split, cfg["model"]["num_classes"])
    repeat = data_cfg.get("repeat", 1) if mode == "train" else 1
    return PoseDataset(anns, build_pipeline(data_cfg, mode), repeat)
