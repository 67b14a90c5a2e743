"""Inputs for inference (infer.py, predict.py): a rawframes folder, a video file (decoded with OpenCV), a
preprocessed .npy, or a .txt list of them; folders and videos go through the config's test pipeline."""
import os
from typing import Callable, List, Tuple

import cv2
import numpy as np

from utils import UserError

from .transforms import build_pipeline, test_side, test_views


def decode_video(path: str) -> list:
    """All frames of a video as RGB arrays."""
    cap = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    cap.release()
    return frames


def load_input(path: str, pipeline: Callable[[dict], dict], tmpl: str) -> dict:
    """Run the test pipeline on a rawframes folder (frames named ``tmpl``, 1-based, all of them present) or a
    video file; returns the results dict."""
    results = dict(start_index=1, filename_tmpl=tmpl, label=-1)
    if os.path.isdir(path):
        names = set(os.listdir(path))
        total = 0
        while tmpl.format(total + 1) in names:
            total += 1
        if total == 0:
            raise UserError(f"{path} holds no frame {tmpl.format(1)}, pass a rawframes folder "
                            f"({tmpl.format(1)}, {tmpl.format(2)}, ...) or a video file")
        results.update(frame_dir=path, total_frames=total)
    elif os.path.isfile(path):
        frames = decode_video(path)
        if not frames:
            raise UserError(f"OpenCV could not decode any frame of {path} (empty, corrupt or not a video), pass a "
                            "readable video or a rawframes folder")
        results.update(frame_dir=path, total_frames=len(frames), video_frames=frames)
    else:
        raise UserError(f"input {path} not found, pass a rawframes folder or a video file")
    return pipeline(results)


def expected_shape(cfg: dict) -> tuple:
    """(views*T, 3, S, S) of one preprocessed video under the config's test protocol."""
    d = cfg["data"]
    side = test_side(d)
    return test_views(d) * cfg["model"]["num_segments"], 3, side, side


def check_clip(arr: np.ndarray, cfg: dict, name: str) -> np.ndarray:
    """A preprocessed clip must have the test protocol's shape, be finite and not all zeros."""
    shape = expected_shape(cfg)
    if arr.ndim != 4 or tuple(arr.shape[1:]) != shape[1:] or arr.shape[0] % cfg["model"]["num_segments"]:
        raise UserError(f"{name} has shape {tuple(arr.shape)}, expected {shape} (views x {cfg['model']['num_segments']} "
                        "frames, 3, side, side: the config's test protocol), preprocess it with the same config")
    if not np.isfinite(arr).all():
        raise UserError(f"{name} holds NaN or inf values, pass a preprocessed clip of finite numbers")
    if not arr.any():
        raise UserError(f"{name} is all zeros (no video in it), pass a preprocessed clip")
    return arr


def _read_npy(path: str, cfg: dict) -> List[Tuple[str, np.ndarray]]:
    try:
        arr = np.load(path, allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise UserError(f"{path} is not a readable .npy ({str(exc).splitlines()[0] if str(exc) else 'empty'}), "
                        "pass an array saved with numpy.save") from None
    if not np.issubdtype(arr.dtype, np.number):
        raise UserError(f"{path} holds {arr.dtype} values, pass a float32 array")
    arrs = arr if arr.ndim == 5 else arr[None]
    if len(arrs) == 0:
        raise UserError(f"{path} holds 0 clips, pass at least one")
    base = os.path.basename(path)  # entry names do not depend on where the file lies (compared results)
    return [(f"{base}[{i}]", check_clip(a.astype("float32"), cfg, f"{path}[{i}]")) for i, a in enumerate(arrs)]


def read_inputs(path: str, cfg: dict) -> List[Tuple[str, np.ndarray]]:
    """[(name, float32 array (views*T, 3, S, S))] from a rawframes folder, a video, a .npy ((views*T, 3, S, S)
    or a batch of them) or a .txt with one such path per line (relative to the list's folder or the current
    directory). An empty list or one that names nothing readable is a UserError."""
    if path.endswith(".txt"):
        if not os.path.isfile(path):
            raise UserError(f"input list {path} not found, pass a .txt with one video/folder/.npy per line")
        with open(path, encoding="utf-8", errors="replace") as f:
            entries = [line.strip() for line in f if line.strip()]
        if not entries:
            raise UserError(f"input list {path} is empty, write one video, rawframes folder or .npy per line")
        base = os.path.dirname(path)
        out = []
        for entry in entries:
            out += read_inputs(entry if os.path.exists(entry) else os.path.join(base, entry), cfg)
        return out
    if path.endswith(".npy"):
        if not os.path.isfile(path):
            raise UserError(f"input {path} not found, pass a .npy written by numpy.save")
        return _read_npy(path, cfg)
    tmpl = cfg["data"]["filename_tmpl"]
    return [(path, check_clip(load_input(path, build_pipeline(cfg["data"], "test"), tmpl)["imgs"], cfg, path))]
