"""Reader + validator for the PoseC3D skeleton pickle ({'split': {...}, 'annotations': [...]}), splits 1-3."""
from __future__ import annotations

import os
import pickle
import random
import warnings

import numpy as np
import paddle

from datasets.transforms import Compose, build_pipeline
from utils import UserError

REQUIRED_KEYS = ("frame_dir", "label", "total_frames", "img_shape", "keypoint", "keypoint_score")
NUM_JOINTS = 17  # COCO-17 layout (HRNet keypoints)


def load_pickle(path: str):
    if not os.path.isfile(path):
        raise UserError(f"file not found, {path}, pass an existing pose .pkl (e.g. ucf101.pkl)")
    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError, IndexError,
            UnicodeDecodeError, MemoryError) as exc:  # what a zero-byte, truncated or foreign file raises
        reason = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise UserError(f"not a readable pickle ({reason[:120]}), {path}, pass the UCF-101/NTU pose .pkl") from None


def validate_annotation(ann, where: str, num_classes: int | None = None, unlabelled_ok: bool = False) -> None:
    """Raise a UserError naming `where` for anything the pipeline cannot use. With unlabelled_ok (videos to
    predict, e.g. from tools/video_to_pose.py) the label may also be -1, "unknown"."""
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
    if not isinstance(total, (int, np.integer)) or isinstance(total, bool) or total < 1 or kp.shape[1] != total:
        raise UserError(f"total_frames={total} but keypoint has {kp.shape[1]} frames, {where}, "
                        "set total_frames to the number of frames")
    # NaN coordinates are allowed: PoseCompact turns them into 0 (missing), as mmaction2 does
    if np.isinf(kp).any() or not np.isfinite(score).all():
        raise UserError(f"inf in keypoint or NaN/inf in keypoint_score, {where}, "
                        "replace missing joints by 0 with score 0")
    shape = ann["img_shape"]
    if not (isinstance(shape, (tuple, list)) and len(shape) == 2
            and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0 for v in shape)):
        raise UserError(f"img_shape {shape!r} is not (height, width) in pixels, {where}, "
                        "store the frame size as two positive ints")
    label = ann["label"]
    if unlabelled_ok and isinstance(label, (int, np.integer)) and not isinstance(label, bool) and label == -1:
        return
    if not isinstance(label, (int, np.integer)) or isinstance(label, bool) or label < 0 \
            or (num_classes is not None and label >= num_classes):
        raise UserError(f"label {label!r} is not an int in [0, {num_classes}), {where}, "
                        "fix the label or set model.num_classes")


def load_split(path: str, split: str, num_classes: int | None = None) -> list[dict]:
    """Annotations of one split ('train1', 'test1', ...), validated; zero-person videos kept with a warning
    (their heatmaps are empty, as in mmaction2)."""
    data = load_pickle(path)
    if not isinstance(data, dict) or "annotations" not in data or "split" not in data:
        raise UserError(f"top level is not {{'split', 'annotations'}}, {path}, use the mmaction2/pyskl pose pkl")
    if not isinstance(data["split"], dict) or not isinstance(data["annotations"], list):
        raise UserError(f"'split' is not a dict or 'annotations' not a list, {path}, use the mmaction2/pyskl pose pkl")
    if split not in data["split"]:
        raise UserError(f"split '{split}' not in {sorted(data['split'])}, {path}, pass --split 1, 2 or 3 "
                        "(UCF/HMDB) or set data.train_split / data.test_split (e.g. xsub_train / xsub_val)")
    names = set(data["split"][split])
    if not names:
        raise UserError(f"split '{split}' is empty, {path}, regenerate the pkl or choose another split")
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
    whole {'split', 'annotations'} file; each validated (label -1, unknown, allowed), and each must show a person
    somewhere (a video with no detected person, all-NaN keypoints or only zero scores has nothing to classify)."""
    data = load_pickle(path)
    if isinstance(data, dict) and "annotations" in data:
        data = data["annotations"]
    anns = data if isinstance(data, list) else [data]
    if not anns:
        raise UserError(f"no videos in the file, {path}, pass a pkl with at least one annotation dict")
    for i, ann in enumerate(anns):
        where = f"{path}[{i}]"
        validate_annotation(ann, where, unlabelled_ok=True)
        kp, score = ann["keypoint"], ann["keypoint_score"]
        seen = (score > 0) & np.isfinite(kp).all(axis=-1) if kp.size else np.zeros(0, bool)
        if not seen.any():
            raise UserError(f"no person detected in any frame of {ann['frame_dir']} (no keypoint with a score > 0 "
                            f"and finite coordinates), {where}, run the pose extraction on the video again")
    return anns


def video_views(pipeline: Compose, ann: dict) -> np.ndarray:
    """The network input of one video for predict.py / infer.py: the test pipeline's views [V, C, T, H, W]."""
    return pipeline(dict(ann, start_index=ann.get("start_index", 0)))["imgs"]


class PoseDataset(paddle.io.Dataset):
    """`repeat` > 1 is mmaction2's RepeatDataset (one epoch = `repeat` passes over the videos). With `seed`
    (training), numpy's and python's generators are seeded from (seed, epoch, index) before each sample, so a
    clip's random crop/flip/frames depend on neither the number of loader workers nor the number of cards."""

    def __init__(self, anns: list[dict], pipeline: Compose, repeat: int = 1, source: str = "",
                 seed: int | None = None) -> None:
        super().__init__()
        self.anns, self.pipeline, self.repeat = anns, pipeline, repeat
        self.source, self.seed, self.epoch = source, seed, 0

    def __len__(self) -> int:
        return len(self.anns) * self.repeat

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def sample_name(self, idx: int) -> str:
        """The file and video of sample `idx` (for the one-line error of utils/fail_fast.GuardedDataset)."""
        return f"{self.anns[idx % len(self.anns)]['frame_dir']} in {self.source}"

    def __getitem__(self, idx: int):
        ann = self.anns[idx % len(self.anns)]
        if self.seed is not None:
            state = np.random.SeedSequence([self.seed, self.epoch, idx]).generate_state(2)
            np.random.seed(int(state[0]))
            random.seed(int(state[1]))
        results = self.pipeline(dict(ann, start_index=ann.get("start_index", 0)))
        return results["imgs"], np.int64(ann["label"])


def build_dataset(path: str, cfg: dict, mode: str, seed: int | None = None) -> PoseDataset:
    """mode 'train' | 'val' | 'test' on the split `data.train_split` / `data.test_split` of the pkl (UCF-101:
    train1 / test1, NTU: xsub_train / xsub_val); `seed` for training (see PoseDataset)."""
    data_cfg = cfg["data"]
    split = data_cfg["train_split"] if mode == "train" else data_cfg["test_split"]
    anns = load_split(path, split, cfg["model"]["num_classes"])
    repeat = data_cfg["repeat"] if mode == "train" else 1
    return PoseDataset(anns, build_pipeline(data_cfg, mode), repeat, source=path, seed=seed)
