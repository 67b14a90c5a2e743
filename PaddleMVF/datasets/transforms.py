"""Video transforms on an mmaction-style ``results`` dict (frames are HxWx3 uint8 RGB arrays).

Each transform names the official code it follows: MVFNet (whwu95/MVFNet, commit 0ddc7e2,
``codes/datasets/pipelines/{loading,augmentations}.py``, with the mmcv 0.4.3 image functions they
call) and, where the PaddleMVF seed used mmaction2 0.x instead, that (``loop`` sampling, the
``resized_crop`` train crop). ``alignment/PaddleMVF/step0_data`` checks them against an independent
implementation of the official code.

Randomness comes from ``np.random`` (also where MVFNet draws from Python's ``random``) so that loader
workers seeded by ``worker_init_fn`` and a resumed run (whose numpy state is restored) replay the
same crops; Python's ``random`` is not reseeded per worker, so forked workers would share its draws.
"""
import math
import os
from typing import Callable, List, Sequence, Tuple

import cv2
import numpy as np

from utils import UserError

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
    """Dense sampling of ``num_clips`` clips of ``clip_len`` frames, ``frame_interval`` apart
    (MVFNet ``loading.py SampleFrames``: ``_sample_clips`` in train mode, ``_test_sample_clips`` with
    ``sth_samples=1`` in test mode, ``_get_frame_inds``).

    Writes 1-based ``frame_inds`` (clip-major; MVFNet's are 0-based and FrameSelector reads
    ``idx + 1``). ``out_of_bound_opt``: 'loop' wraps indices past the end (mmaction2 0.x, the
    PaddleMVF seed: the default) and adds mmaction2's ``avg_interval == 0`` train branch; 'clamp'
    repeats the last frame and has only MVFNet's three train branches (MVFNet's own sampler).
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
        results["frame_inds"] = inds + results["start_index"]
        results["clip_len"] = self.clip_len
        results["num_clips"] = self.num_clips
        return results


def read_rgb(path: str) -> np.ndarray:
    """Decode one image as RGB; None when it is missing or unreadable. MVFNet ``FrameSelector``
    decodes BGR (mmcv ``imfrombytes(buf, 'color')`` = ``cv2.imdecode(IMREAD_COLOR)``) and turns it
    into RGB in ``Normalize(to_rgb=True)``; resize, crop and flip act per channel, so converting
    first gives the same numbers."""
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    return None if img is None else cv2.cvtColor(img, cv2.COLOR_BGR2RGB)


class RawFrameDecode:
    """Loads ``frame_dir/filename_tmpl.format(i)`` for every sampled index (each file read once), or
    picks them from ``video_frames`` (a decoded video, see datasets/video.py)."""

    def __call__(self, results: dict) -> dict:
        if "video_frames" in results:
            start = results["start_index"]
            results["imgs"] = [results["video_frames"][i - start] for i in results["frame_inds"]]
            return results
        cache = {}
        imgs = []
        for i in results["frame_inds"]:
            if i not in cache:
                path = os.path.join(results["frame_dir"], results["filename_tmpl"].format(i))
                cache[i] = read_rgb(path)
                if cache[i] is None:  # missing, empty, truncated or not an image: name the file
                    raise UserError(f"frame {path} is not a readable image (missing, empty or corrupt), re-extract "
                                    "this video with tools/build_rawframes.py")
            imgs.append(cache[i])
        results["imgs"] = imgs
        return results


def _resize(imgs: List[np.ndarray], w: int, h: int) -> List[np.ndarray]:
    return [cv2.resize(img, (w, h), interpolation=cv2.INTER_LINEAR) for img in imgs]


class ShortSideResize:
    """Resize so the short side is ``size``: MVFNet ``Resize(scale=(np.Inf, size), keep_ratio=True)``,
    i.e. mmcv 0.4.3 ``imrescale`` (new side ``int(side * scale + 0.5)``, cv2 bilinear)."""

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
    """The box [left, top, left + w - 1, top + h - 1] clipped to the frame, as mmcv 0.4.3
    ``imcrop`` (``bbox_clip``: x into [0, W-1], y into [0, H-1]) crops it for MVFNet: a box that
    sticks out of the frame gives a smaller patch, never a wrapped (negative-index) one."""
    img_h, img_w = imgs[0].shape[:2]
    x1, x2 = (min(max(v, 0), img_w - 1) for v in (left, left + w - 1))
    y1, y2 = (min(max(v, 0), img_h - 1) for v in (top, top + h - 1))
    return [img[y1:y2 + 1, x1:x2 + 1] for img in imgs]


class RandomResizedCrop:
    """Same random area/aspect crop on every frame (Inception-style, 10 tries, then centre square):
    the PaddleMVF seed's train crop, mmaction2 0.x ``RandomResizedCrop.get_crop_bbox`` (log-uniform
    aspect ratio, box inside the frame), followed by ``Resize(224)``. Not MVFNet's: see
    :class:`MVFNetRandomResizedCrop`."""

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


class MVFNetRandomResizedCrop:
    """MVFNet's own train crop, ``augmentations.py RandomResizedCrop(input_size)``: ``get_params``
    then ``mmcv.imresize(mmcv.imcrop(img, box), input_size)``, on the decoded frames (no short-side
    resize before it in MVFNet's config).

    Kept as the official code has it: the aspect ratio is uniform in [3/4, 4/3] (not log-uniform),
    w and h are swapped with probability 0.5, the fit test compares w with the frame height and h
    with the width, the x offset is drawn in [0, W - h] and the y offset in [0, H - w] while the box
    is w wide and h high, so a box can stick out of the frame and imcrop clips it (the patch is then
    resized to ``input_size`` anyway). Draws come from ``np.random`` (see the module docstring).
    """

    def __init__(self, input_size: int, scale: Tuple[float, float] = (0.08, 1.0),
                 ratio: Tuple[float, float] = (3.0 / 4.0, 4.0 / 3.0)):
        self.input_size = input_size
        self.scale = scale
        self.ratio = ratio

    def get_params(self, img_h: int, img_w: int, rnd=None) -> Tuple[int, int, int, int]:
        """MVFNet ``RandomResizedCrop.get_params`` -> (i, j, h, w), its ``(i, j), (h, w)``.
        ``rnd``: an object with Python ``random``'s ``uniform/random/randint`` (tests pass a seeded
        ``random.Random`` to replay the official draws); default numpy's global RNG."""
        rnd = rnd or _NUMPY_RANDOM
        for _ in range(10):
            area = img_h * img_w
            target_area = rnd.uniform(*self.scale) * area
            aspect_ratio = rnd.uniform(*self.ratio)
            w = int(round(math.sqrt(target_area * aspect_ratio)))
            h = int(round(math.sqrt(target_area / aspect_ratio)))
            if rnd.random() < 0.5:
                w, h = h, w
            if w <= img_h and h <= img_w:  # sic: w against the height, h against the width
                i = rnd.randint(0, img_w - h)
                j = rnd.randint(0, img_h - w)
                return i, j, h, w
        w = min(img_h, img_w)  # fallback: centre square of the short side
        return (img_w - w) // 2, (img_h - w) // 2, w, w

    def __call__(self, results: dict) -> dict:
        h, w = results["imgs"][0].shape[:2]
        # MVFNet __call__: (x1, y1), (crop_h, crop_w) = get_params(...); box [x1, y1, x1+crop_w-1, y1+crop_h-1]
        x1, y1, crop_h, crop_w = self.get_params(h, w)
        results["imgs"] = _resize(_crop(results["imgs"], x1, y1, crop_w, crop_h), self.input_size, self.input_size)
        return results


class _NumpyRandom:
    """Python ``random``'s uniform/random/randint (inclusive) drawn from numpy's global RNG."""

    @staticmethod
    def uniform(a: float, b: float) -> float:
        return float(np.random.uniform(a, b))

    @staticmethod
    def random() -> float:
        return float(np.random.random_sample())

    @staticmethod
    def randint(a: int, b: int) -> int:
        return int(np.random.randint(a, b + 1))


_NUMPY_RANDOM = _NumpyRandom()


class Flip:
    """Horizontal flip of the whole clip with probability ``p`` (MVFNet ``Flip``:
    ``np.random.rand() < flip_ratio``, then ``mmcv.imflip`` = ``np.flip(img, axis=1)``)."""

    def __init__(self, p: float = 0.5):
        self.p = p

    def __call__(self, results: dict) -> dict:
        if np.random.rand() < self.p:
            results["imgs"] = [np.ascontiguousarray(img[:, ::-1]) for img in results["imgs"]]
        return results


class CenterCrop:
    """MVFNet ``CenterCrop``: box at ((W - s) // 2, (H - s) // 2), cropped as mmcv ``imcrop``."""

    def __init__(self, size: int):
        self.size = size

    def __call__(self, results: dict) -> dict:
        h, w = results["imgs"][0].shape[:2]
        results["imgs"] = _crop(results["imgs"], (w - self.size) // 2, (h - self.size) // 2, self.size, self.size)
        return results


class ThreeCrop:
    """MVFNet ``ThreeCrop``: three ``size`` squares along the long side (left, right, middle /
    top, bottom, middle) when one side equals ``size``; otherwise (MVFNet's third branch) left,
    right and centre at quarter steps, vertically at 2 * (H - size) // 4. Output is crop-major: all
    frames of crop 0, then 1, 2 (MVFNet's ``oversample_group.extend`` order).
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
            w_step, h_step = (w - s) // 4, (h - s) // 4
            offsets = [(0, 2 * h_step), (4 * w_step, 2 * h_step), (2 * w_step, 2 * h_step)]
        results["imgs"] = [img for left, top in offsets for img in _crop(results["imgs"], left, top, s, s)]
        results["num_crops"] = 3
        return results


class Normalize:
    """(img - mean) / std per RGB channel on 0-255 values -> float32. Bit-identical to MVFNet's
    ``Normalize(to_rgb=True).imnormalize`` (cv2.subtract then cv2.multiply by 1/std) on every
    uint8 value (checked by running the official code)."""

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
    """mode: 'train' (1 random clip, random resized crop, flip), 'val' (1 clip, centre crop) or
    'test' (``test_clips`` clips x ThreeCrop/CenterCrop): MVFNet's train/val/test_pipeline. ``cfg`` is the
    config's data section (utils/config.py checks every value).

    ``train_crop``: 'resized_crop' (the seed's): ShortSideResize(short_side) -> RandomResizedCrop ->
    Resize(crop_size); 'mvfnet': MVFNet's config, MVFNetRandomResizedCrop(crop_size) straight on the decoded
    frames."""
    sample = dict(clip_len=cfg["clip_len"], frame_interval=cfg["frame_interval"],
                  out_of_bound_opt=cfg["out_of_bound_opt"])
    short, crop = cfg["short_side"], cfg["crop_size"]
    if mode == "train" and cfg["train_crop"] == "mvfnet":
        ops = [SampleFrames(num_clips=1, **sample), RawFrameDecode(), MVFNetRandomResizedCrop(crop), Flip(0.5)]
    elif mode == "train":
        ops = [SampleFrames(num_clips=1, **sample), RawFrameDecode(), ShortSideResize(short),
               RandomResizedCrop(), Resize(crop), Flip(0.5)]
    elif mode == "val":
        ops = [SampleFrames(num_clips=1, test_mode=True, **sample), RawFrameDecode(),
               ShortSideResize(short), CenterCrop(crop)]
    elif mode == "test":
        three = cfg["test_crop"] == "three"
        ops = [SampleFrames(num_clips=cfg["test_clips"], test_mode=True, **sample), RawFrameDecode(),
               ShortSideResize(short), ThreeCrop(short) if three else CenterCrop(crop)]
    else:
        raise ValueError(f"mode must be train/val/test, got {mode!r}")
    return Compose(ops + [Normalize(), FormatShape()])


def test_views(cfg: dict) -> int:
    """Views per video of the test pipeline: test_clips x (3 crops or 1)."""
    return cfg["test_clips"] * (3 if cfg["test_crop"] == "three" else 1)


def test_side(cfg: dict) -> int:
    """Side of a test view: ThreeCrop takes short_side squares, CenterCrop crop_size ones."""
    return cfg["short_side"] if cfg["test_crop"] == "three" else cfg["crop_size"]
