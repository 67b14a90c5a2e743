"""Video transforms on an mmaction-style ``results`` dict (frames are HxWx3 uint8 RGB arrays).

Randomness comes from ``np.random`` so that loader workers seeded by ``worker_init_fn`` and a
resumed run (whose numpy state is restored) replay the same crops.
"""
import math
import os
from typing import Callable, List, Sequence, Tuple

import cv2
import numpy as np

IMAGENET_MEAN = (123.675, 116.28, 103.53)
IMAGENET_STD = (58.395, 57.12, 57.375)


class Compose:
    def __init__(self, transforms: Sequence[Callable]):
        self.transforms = list(transforms)

    def __call__(self, results: dict) -> dict:
        for t in self.transforms:
            results = t(results)
        return results


class SampleFrames:
    """Dense sampling of ``num_clips`` clips of ``clip_len`` frames, ``frame_interval`` apart.

    Writes 1-based ``frame_inds`` (clip-major). ``out_of_bound_opt``: 'loop' wraps indices past the
    end (mmaction/PaddleMVF, the default), 'clamp' repeats the last frame (MVFNet's own sampler).
    """

    def __init__(self, clip_len: int, frame_interval: int = 1, num_clips: int = 1,
                 test_mode: bool = False, out_of_bound_opt: str = "loop"):
        if out_of_bound_opt not in ("loop", "clamp"):
            raise ValueError(f"out_of_bound_opt must be 'loop' or 'clamp', got {out_of_bound_opt!r}")
        self.clip_len = clip_len
        self.frame_interval = frame_interval
        self.num_clips = num_clips
        self.test_mode = test_mode
        self.out_of_bound_opt = out_of_bound_opt

    def _train_offsets(self, total: int) -> np.ndarray:
        ori = self.clip_len * self.frame_interval
        n = self.num_clips
        avg = (total - ori + 1) // n
        if avg > 0:
            return np.arange(n) * avg + np.random.randint(avg, size=n)
        if total > max(n, ori):
            return np.sort(np.random.randint(total - ori + 1, size=n))
        if avg == 0 and self.out_of_bound_opt == "loop":  # mmaction's extra branch
            return np.around(np.arange(n) * ((total - ori + 1) / n)).astype(int)
        return np.zeros(n, dtype=int)

    def _test_offsets(self, total: int) -> np.ndarray:
        ori = self.clip_len * self.frame_interval
        avg = (total - ori + 1) / float(self.num_clips)
        if total > ori - 1:
            return (np.arange(self.num_clips) * avg + avg / 2.0).astype(int)
        return np.zeros(self.num_clips, dtype=int)

    def __call__(self, results: dict) -> dict:
        total = results["total_frames"]
        offsets = self._test_offsets(total) if self.test_mode else self._train_offsets(total)
        inds = (offsets[:, None] + np.arange(self.clip_len)[None, :] * self.frame_interval).reshape(-1)
        inds = np.mod(inds, total) if self.out_of_bound_opt == "loop" else np.minimum(inds, total - 1)
        results["frame_inds"] = inds + results.get("start_index", 1)
        results["clip_len"] = self.clip_len
        results["num_clips"] = self.num_clips
        return results


def read_rgb(path: str) -> np.ndarray:
    """Decode one image as RGB; None when it is missing or unreadable."""
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    return None if img is None else cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


class RawFrameDecode:
    """Loads ``frame_dir/filename_tmpl.format(i)`` for every sampled index (each file read once), or
    picks them from ``video_frames`` (a decoded video, see datasets/video.py)."""

    def __call__(self, results: dict) -> dict:
        if "video_frames" in results:
            start = results.get("start_index", 1)
            results["imgs"] = [results["video_frames"][i - start] for i in results["frame_inds"]]
            return results
        cache = {}
        imgs = []
        for i in results["frame_inds"]:
            if i not in cache:
                path = os.path.join(results["frame_dir"], results.get("filename_tmpl", "img_{:05}.jpg").format(i))
                cache[i] = read_rgb(path)
                if cache[i] is None:
                    raise IOError(f"cannot read frame {path}")
            imgs.append(cache[i])
        results["imgs"] = imgs
        return results


def _resize(imgs: List[np.ndarray], w: int, h: int) -> List[np.ndarray]:
    return [cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR) for img in imgs]


class ShortSideResize:
    """Resize so the short side is ``size`` (mmcv rescale with scale=(inf, size))."""

    def __init__(self, size: int):
        self.size = size

    def __call__(self, results: dict) -> dict:
        h, w = results["imgs"][0].shape[:2]
        scale = self.size / min(h, w)
        results["imgs"] = _resize(results["imgs"], int(w * scale + 0.5), int(h * scale + 0.5))
        return results


class Resize:
    """Resize to exactly ``size`` x ``size`` (keep_ratio=False)."""

    def __init__(self, size: int):
        self.size = size

    def __call__(self, results: dict) -> dict:
        results["imgs"] = _resize(results["imgs"], self.size, self.size)
        return results


def _crop(imgs: List[np.ndarray], left: int, top: int, w: int, h: int) -> List[np.ndarray]:
    return [img[top:top + h, left:left + w] for img in imgs]


class RandomResizedCrop:
    """Same random area/aspect crop on every frame (Inception-style, 10 tries, then centre square)."""

    def __init__(self, area_range: Tuple[float, float] = (0.08, 1.0),
                 aspect_ratio_range: Tuple[float, float] = (3 / 4, 4 / 3)):
        self.area_range = area_range
        self.log_ratio = (math.log(aspect_ratio_range[0]), math.log(aspect_ratio_range[1]))

    def box(self, h: int, w: int) -> Tuple[int, int, int, int]:
        """(left, top, width, height) of the crop."""
        area = h * w
        for _ in range(10):
            target = np.random.uniform(*self.area_range) * area
            ratio = math.exp(np.random.uniform(*self.log_ratio))
            cw, ch = int(round(math.sqrt(target * ratio))), int(round(math.sqrt(target / ratio)))
            if 0 < cw <= w and 0 < ch <= h:
                return np.random.randint(0, w - cw + 1), np.random.randint(0, h - ch + 1), cw, ch
        side = min(h, w)
        return (w - side) // 2, (h - side) // 2, side, side

    def __call__(self, results: dict) -> dict:
        h, w = results["imgs"][0].shape[:2]
        results["imgs"] = _crop(results["imgs"], *self.box(h, w))
        return results


class Flip:
    """Horizontal flip of the whole clip with probability ``p``."""

    def __init__(self, p: float = 0.5):
        self.p = p

    def __call__(self, results: dict) -> dict:
        if np.random.rand() < self.p:
            results["imgs"] = [np.ascontiguousarray(img[:, ::-1]) for img in results["imgs"]]
        return results


class CenterCrop:
    def __init__(self, size: int):
        self.size = size

    def __call__(self, results: dict) -> dict:
        h, w = results["imgs"][0].shape[:2]
        results["imgs"] = _crop(results["imgs"], (w - self.size) // 2, (h - self.size) // 2, self.size, self.size)
        return results


class ThreeCrop:
    """Three ``size`` squares along the long side (left, right, middle / top, bottom, middle).

    The short side must already equal ``size``. Output is crop-major: all frames of crop 0, then 1, 2.
    """

    def __init__(self, size: int):
        self.size = size

    def __call__(self, results: dict) -> dict:
        h, w = results["imgs"][0].shape[:2]
        s = self.size
        if h == s:
            step = (w - s) // 2
            offsets = [(0, 0), (2 * step, 0), (step, 0)]
        elif w == s:
            step = (h - s) // 2
            offsets = [(0, 0), (0, 2 * step), (0, step)]
        else:
            raise ValueError(f"ThreeCrop({s}) needs a frame side equal to {s}, got {h}x{w}")
        results["imgs"] = [img for left, top in offsets for img in _crop(results["imgs"], left, top, s, s)]
        results["num_crops"] = 3
        return results


class Normalize:
    """(img - mean) / std per RGB channel on 0-255 values -> float32."""

    def __init__(self, mean: Sequence[float] = IMAGENET_MEAN, std: Sequence[float] = IMAGENET_STD):
        self.mean = np.asarray(mean, dtype=np.float32)
        self.std = np.asarray(std, dtype=np.float32)

    def __call__(self, results: dict) -> dict:
        results["imgs"] = [(img.astype(np.float32) - self.mean) / self.std for img in results["imgs"]]
        return results


class FormatShape:
    """List of HxWx3 frames -> one float32 array (M, 3, H, W) (NCHW)."""

    def __call__(self, results: dict) -> dict:
        results["imgs"] = np.ascontiguousarray(np.stack(results["imgs"]).transpose(0, 3, 1, 2), dtype=np.float32)
        return results


def build_pipeline(cfg: dict, mode: str) -> Compose:
    """mode: 'train' (1 random clip, RandomResizedCrop, flip), 'val' (1 clip, centre crop) or
    'test' (``test_clips`` clips x ThreeCrop/CenterCrop)."""
    sample = dict(clip_len=cfg["clip_len"], frame_interval=cfg["frame_interval"],
                  out_of_bound_opt=cfg.get("out_of_bound_opt", "loop"))
    short = cfg.get("short_side", 256)
    if mode == "train":
        ops = [SampleFrames(num_clips=1, **sample), RawFrameDecode(), ShortSideResize(short),
               RandomResizedCrop(), Resize(cfg.get("crop_size", 224)), Flip(0.5)]
    elif mode == "val":
        ops = [SampleFrames(num_clips=1, test_mode=True, **sample), RawFrameDecode(),
               ShortSideResize(short), CenterCrop(cfg.get("crop_size", 224))]
    elif mode == "test":
        crop = ThreeCrop(short) if cfg.get("test_crop", "three") == "three" else CenterCrop(cfg.get("crop_size", 224))
        ops = [SampleFrames(num_clips=cfg.get("test_clips", 10), test_mode=True, **sample), RawFrameDecode(),
               ShortSideResize(short), crop]
    else:
        raise ValueError(f"mode must be train/val/test, got {mode!r}")
    return Compose(ops + [Normalize(), FormatShape()])
