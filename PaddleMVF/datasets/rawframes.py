"""UCF-101 rawframes reader (mmaction2 layout) and its validator.

Layout: ``<root>/rawframes/<Class>/v_<Class>_gXX_cYY/img_00001.jpg ...`` (RGB JPEGs, 1-based) and
list files ``ucf101_{train,val}_split_{1,2,3}_rawframes.txt`` with one ``<dir> <total_frames> <label>``
line per video (``<dir>`` relative to ``rawframes/``, label 0-based).
"""
import os
from typing import Callable, List, Tuple

import numpy as np
import paddle

from utils import UserError

from .transforms import read_rgb

FILENAME_TMPL = "img_{:05}.jpg"
Record = Tuple[str, int, int]


def list_file(root: str, split: int, train: bool) -> str:
    return os.path.join(root, f"ucf101_{'train' if train else 'val'}_split_{split}_rawframes.txt")


def read_list(path: str) -> List[Record]:
    """Parse a `<dir> <total_frames> <label>` list; raises UserError on a malformed line."""
    if not os.path.isfile(path):
        raise UserError(f"list file {path} not found, build it with tools/build_file_list.py "
                        "or pass the right --dataset_root/--split")
    records = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 3 or not parts[1].isdigit() or not parts[2].lstrip("-").isdigit():
                raise UserError(f"bad line {n} in {path}: {line.strip()!r}, expected `<dir> <total_frames> <label>`")
            records.append((parts[0], int(parts[1]), int(parts[2])))
    if not records:
        raise UserError(f"list file {path} is empty, rebuild it with tools/build_file_list.py")
    return records


def validate_records(frame_root: str, records: List[Record], num_classes: int = None,
                     check_images: bool = True, tmpl: str = FILENAME_TMPL) -> None:
    """Reject missing/empty folders, a total_frames that exceeds the frames on disk, bad labels and
    (with ``check_images``) unreadable first/last frames, before training starts."""
    if not os.path.isdir(frame_root):
        raise UserError(f"rawframes folder {frame_root} not found, extract frames with tools/build_rawframes.py")
    for rel, total, label in records:
        d = os.path.join(frame_root, rel)
        where = f"video {rel}"
        if not os.path.isdir(d):
            raise UserError(f"{where}: folder {d} missing, re-run tools/build_rawframes.py or fix the list file")
        if total <= 0 or not any(name.endswith(".jpg") for name in os.listdir(d)):
            raise UserError(f"{where}: folder {d} is empty, re-extract it (tools/build_rawframes.py --resume False)")
        if num_classes is not None and not 0 <= label < num_classes:
            raise UserError(f"{where}: label {label} outside [0, {num_classes}), check the list file or num_classes")
        for i in (1, total):
            path = os.path.join(d, tmpl.format(i))
            if not os.path.isfile(path):
                raise UserError(f"{where}: frame {path} missing (list says {total} frames), rebuild the list file")
            if check_images and read_rgb(path) is None:
                raise UserError(f"{where}: frame {path} is not a readable image, re-extract this video")


class RawframeDataset(paddle.io.Dataset):
    """Yields (imgs float32 (V*T, 3, H, W), label int64) through ``pipeline``."""

    def __init__(self, frame_root: str, records: List[Record], pipeline: Callable[[dict], dict]):
        self.frame_root = frame_root
        self.records = records
        self.pipeline = pipeline

    @property
    def labels(self) -> np.ndarray:
        return np.array([r[2] for r in self.records])

    def __len__(self) -> int:
        return len(self.records)

    def __getitem__(self, idx: int):
        rel, total, label = self.records[idx]
        results = self.pipeline(dict(frame_dir=os.path.join(self.frame_root, rel), total_frames=total,
                                     label=label, start_index=1, filename_tmpl=FILENAME_TMPL))
        return results["imgs"], np.int64(label)
