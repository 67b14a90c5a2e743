"""UCF-101 rawframes reader (mmaction2 layout) and its validator.

Layout: ``<dataset_root>/<data.rawframes>/<Class>/v_<Class>_gXX_cYY/<data.filename_tmpl>`` (RGB JPEGs, 1-based,
``img_00001.jpg ...``) and list files ``ucf101_{train,val}_split_{1,2,3}_rawframes.txt`` with one
``<dir> <total_frames> <label>`` line per video (``<dir>`` relative to the frame folder, label 0-based).
No paddle here: the dataset is a plain map-style object that paddle.io.DataLoader reads (utils/engine.py).
"""
import os
from typing import Callable, List, Tuple

import numpy as np

from utils import UserError

from .transforms import read_rgb

Record = Tuple[str, int, int]


def read_list(path: str) -> List[Record]:
    """Parse a `<dir> <total_frames> <label>` list; raises UserError on a malformed line or an empty list."""
    if not os.path.isfile(path):
        raise UserError(f"list file {path} not found, build it with tools/build_file_list.py "
                        "or pass the right --dataset_root/--split")
    records = []
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except UnicodeDecodeError:
        raise UserError(f"list file {path} is not text, rebuild it with tools/build_file_list.py") from None
    for n, line in enumerate(lines, 1):
        parts = line.split()
        if not parts:
            continue
        if len(parts) != 3 or not parts[1].isdigit() or not parts[2].lstrip("-").isdigit():
            raise UserError(f"bad line {n} in {path}: {line.strip()!r}, expected `<dir> <total_frames> <label>` "
                            "(integers), rebuild it with tools/build_file_list.py")
        records.append((parts[0], int(parts[1]), int(parts[2])))
    if not records:
        raise UserError(f"list file {path} is empty, rebuild it with tools/build_file_list.py")
    return records


def validate_records(frame_root: str, records: List[Record], num_classes: int, tmpl: str,
                     check_images: bool = True) -> None:
    """Before training starts: reject a missing frame folder, an empty one, a frame count of 0, a label
    outside [0, num_classes), any frame file 1..total_frames missing from the folder, and (with
    ``check_images``) an unreadable first or last frame. A frame that exists but is corrupt mid-video is
    found when the sample is loaded (RawFrameDecode names the file; the loader stops the run at once)."""
    if not os.path.isdir(frame_root):
        raise UserError(f"rawframes folder {frame_root} not found, extract frames with tools/build_rawframes.py "
                        "(or set data.rawframes)")
    for rel, total, label in records:
        d = os.path.join(frame_root, rel)
        where = f"video {rel}"
        if not os.path.isdir(d):
            raise UserError(f"{where}: folder {d} missing, re-run tools/build_rawframes.py or fix the list file")
        names = set(os.listdir(d))
        if total <= 0 or not names:
            raise UserError(f"{where}: folder {d} is empty or the list says {total} frames, re-extract it "
                            "(tools/build_rawframes.py) and rebuild the list file")
        if not 0 <= label < num_classes:
            raise UserError(f"{where}: label {label} outside [0, {num_classes}), check the list file or "
                            "model.num_classes")
        missing = next((i for i in range(1, total + 1) if tmpl.format(i) not in names), None)
        if missing is not None:
            raise UserError(f"{where}: frame {os.path.join(d, tmpl.format(missing))} missing (the list says {total} "
                            "frames), re-extract the video and rebuild the list file")
        if check_images:
            for i in sorted({1, total}):
                path = os.path.join(d, tmpl.format(i))
                if read_rgb(path) is None:
                    raise UserError(f"{where}: frame {path} is not a readable image, re-extract this video "
                                    "(tools/build_rawframes.py)")


class RawframeDataset:
    """Yields (imgs float32 (V*T, 3, H, W), label int64) through ``pipeline``; sample_name(i) names the video
    folder (fail_fast.GuardedDataset prints it when loading fails)."""

    def __init__(self, frame_root: str, records: List[Record], pipeline: Callable[[dict], dict], tmpl: str):
        self.frame_root = frame_root
        self.records = records
        self.pipeline = pipeline
        self.tmpl = tmpl

    @property
    def labels(self) -> np.ndarray:
        return np.array([r[2] for r in self.records])

    def __len__(self) -> int:
        return len(self.records)

    def sample_name(self, idx: int) -> str:
        return os.path.join(self.frame_root, self.records[idx][0])

    def __getitem__(self, idx: int):
        rel, total, label = self.records[idx]
        results = self.pipeline(dict(frame_dir=os.path.join(self.frame_root, rel), total_frames=total,
                                     label=label, start_index=1, filename_tmpl=self.tmpl))
        return results["imgs"], np.int64(label)
