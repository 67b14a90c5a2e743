"""PoseC3D data pipeline as small composable transforms on a `results` dict (mmaction2 0.x semantics).

Each transform reads/writes the keys of one annotation: `keypoint` [M,T,17,2], `keypoint_score` [M,T,17],
`total_frames`, `img_shape` (h, w); later steps add `frame_inds`, `imgs` and `num_clips`.
"""
from __future__ import annotations

import random
from typing import Sequence

import numpy as np

# COCO-17 left/right keypoints (swapped by a horizontal flip) and the COCO skeleton used by limb heatmaps.
LEFT_KP = (1, 3, 5, 7, 9, 11, 13, 15)
RIGHT_KP = (2, 4, 6, 8, 10, 12, 14, 16)
SKELETON = ((0, 1), (0, 2), (1, 3), (2, 4), (0, 5), (5, 7), (7, 9), (0, 6), (6, 8), (8, 10), (5, 11), (11, 13),
            (13, 15), (6, 12), (12, 14), (14, 16), (11, 12))


class Compose:
    def __init__(self, transforms: Sequence) -> None:
        self.transforms = list(transforms)

    def __call__(self, results: dict) -> dict:
        for t in self.transforms:
            results = t(results)
        return results


class UniformSampleFrames:
    """Split the video into `clip_len` equal segments and take one frame from each.

    Test mode draws from a fresh RandomState(seed) per sample: the same numbers mmaction2 gets from
    `np.random.seed(255)`, without reseeding the global generator of the loader.
    """

    def __init__(self, clip_len: int, num_clips: int = 1, test_mode: bool = False, seed: int = 255) -> None:
        self.clip_len, self.num_clips, self.test_mode, self.seed = clip_len, num_clips, test_mode, seed

    def _one_clip(self, total: int, rng) -> np.ndarray:
        n = self.clip_len
        if total < n:
            start = rng.randint(0, total)
            return np.arange(start, start + n)
        if total < 2 * n:  # spread the total-n extra frames over n+1 gaps
            offset = np.zeros(n + 1, dtype=np.int64)
            offset[rng.choice(n + 1, total - n, replace=False)] = 1
            return np.arange(n) + np.cumsum(offset)[:-1]
        bids = np.array([i * total // n for i in range(n + 1)])
        return bids[:n] + rng.randint(np.diff(bids))

    def __call__(self, results: dict) -> dict:
        total = int(results["total_frames"])
        if self.test_mode:
            rng = np.random.RandomState(self.seed)
            if total < self.clip_len:  # evenly spaced starts, looped by the modulo below
                starts = range(self.num_clips) if total < self.num_clips else \
                    [i * total // self.num_clips for i in range(self.num_clips)]
                inds = np.concatenate([np.arange(s, s + self.clip_len) for s in starts])
            else:
                inds = np.concatenate([self._one_clip(total, rng) for _ in range(self.num_clips)])
        else:
            inds = np.concatenate([self._one_clip(total, np.random) for _ in range(self.num_clips)])
        results["frame_inds"] = np.mod(inds, total).astype(np.int64) + int(results.get("start_index", 0))
        results["clip_len"], results["num_clips"] = self.clip_len, self.num_clips
        return results


class PoseDecode:
    """Gather the sampled frames of every person, as float32."""

    def __call__(self, results: dict) -> dict:
        inds = results["frame_inds"]
        results["keypoint"] = results["keypoint"][:, inds].astype(np.float32)
        results["keypoint_score"] = results["keypoint_score"][:, inds].astype(np.float32)
        return results


class PoseCompact:
    """Shrink the frame to a square box 1.25x around all non-zero keypoints (may leave the image)."""

    def __init__(self, padding: float = 0.25, threshold: int = 10, hw_ratio: float = 1.0) -> None:
        self.padding, self.threshold, self.hw_ratio = padding, threshold, hw_ratio

    def __call__(self, results: dict) -> dict:
        kp = results["keypoint"]
        kp[np.isnan(kp)] = 0.0
        x, y = kp[..., 0], kp[..., 1]
        min_x, max_x = np.min(x[x != 0], initial=np.inf), np.max(x[x != 0], initial=-np.inf)
        min_y, max_y = np.min(y[y != 0], initial=np.inf), np.max(y[y != 0], initial=-np.inf)
        if max_x - min_x < self.threshold or max_y - min_y < self.threshold:
            return results  # too few visible keypoints (or none): keep the frame as it is
        cx, cy = (max_x + min_x) / 2, (max_y + min_y) / 2
        half_w = (max_x - min_x) / 2 * (1 + self.padding)
        half_h = (max_y - min_y) / 2 * (1 + self.padding)
        half_h = max(self.hw_ratio * half_w, half_h)
        half_w = max(half_h / self.hw_ratio, half_w)
        min_x, max_x, min_y, max_y = int(cx - half_w), int(cx + half_w), int(cy - half_h), int(cy + half_h)
        x[x != 0] -= min_x
        y[y != 0] -= min_y
        results["img_shape"] = (max_y - min_y, max_x - min_x)
        return results


class Resize:
    """scale (-1, s): short side to s keeping the ratio; (w, h): exact size. Keypoints follow."""

    def __init__(self, scale: Sequence[int]) -> None:
        self.scale = tuple(scale)

    def __call__(self, results: dict) -> dict:
        h, w = results["img_shape"]
        if -1 in self.scale:  # mmcv.rescale_size with an unbounded long edge
            factor = max(self.scale) / min(h, w)
            new_w, new_h = int(w * factor + 0.5), int(h * factor + 0.5)
        else:
            new_w, new_h = self.scale
        results["keypoint"] = results["keypoint"] * np.array([new_w / w, new_h / h], dtype=np.float32)
        results["img_shape"] = (new_h, new_w)
        return results


def _crop(results: dict, left: int, top: int, width: int, height: int) -> dict:
    results["keypoint"] = results["keypoint"] - np.array([left, top], dtype=np.float32)
    results["img_shape"] = (height, width)
    return results


class RandomResizedCrop:
    """Inception-style crop: 10 tries of (area, aspect) draws, else the central square."""

    def __init__(self, area_range=(0.56, 1.0), aspect_ratio_range=(3 / 4, 4 / 3), max_attempts: int = 10) -> None:
        self.area_range, self.aspect_ratio_range, self.max_attempts = area_range, aspect_ratio_range, max_attempts

    def __call__(self, results: dict) -> dict:
        h, w = results["img_shape"]
        lo, hi = np.log(self.aspect_ratio_range[0]), np.log(self.aspect_ratio_range[1])
        # numpy draws all ratios, then all areas; offsets come from python's `random` (both ends inclusive)
        ratios = np.exp(np.random.uniform(lo, hi, size=self.max_attempts))
        areas = np.random.uniform(*self.area_range, size=self.max_attempts) * h * w
        crop_w = np.round(np.sqrt(areas * ratios)).astype(np.int32)
        crop_h = np.round(np.sqrt(areas / ratios)).astype(np.int32)
        for cw, ch in zip(crop_w, crop_h):
            if cw <= w and ch <= h:
                left, top = random.randint(0, w - cw), random.randint(0, h - ch)
                return _crop(results, left, top, int(cw), int(ch))
        side = min(h, w)
        return _crop(results, (w - side) // 2, (h - side) // 2, side, side)


class CenterCrop:
    def __init__(self, size: int) -> None:
        self.size = size

    def __call__(self, results: dict) -> dict:
        h, w = results["img_shape"]
        return _crop(results, (w - self.size) // 2, (h - self.size) // 2, self.size, self.size)


def flip_keypoints(kp: np.ndarray, score: np.ndarray, width: int, left_kp=LEFT_KP, right_kp=RIGHT_KP):
    """x' = width - x for visible (non-zero) x, then swap left/right joints."""
    kp = kp.copy()
    x = kp[..., 0]
    x[x != 0] = width - x[x != 0]
    order = np.arange(kp.shape[2])
    order[list(left_kp)], order[list(right_kp)] = list(right_kp), list(left_kp)
    return kp[:, :, order], score[:, :, order]


class Flip:
    def __init__(self, flip_ratio: float = 0.5, left_kp=LEFT_KP, right_kp=RIGHT_KP) -> None:
        self.flip_ratio, self.left_kp, self.right_kp = flip_ratio, left_kp, right_kp

    def __call__(self, results: dict) -> dict:
        if np.random.rand() < self.flip_ratio:
            results["keypoint"], results["keypoint_score"] = flip_keypoints(
                results["keypoint"], results["keypoint_score"], results["img_shape"][1], self.left_kp, self.right_kp)
        return results


def _axis_gauss(mu: np.ndarray, size: int, sigma: float) -> np.ndarray:
    """1-D Gaussian of every centre along one axis, zero outside mmaction's window
    [max(int(mu-3s), 0), min(int(mu+3s)+1, size)). mu: [...] -> [..., size]."""
    grid = np.arange(size, dtype=np.float32)
    start = np.maximum(np.trunc(mu - 3 * sigma), 0)[..., None]
    stop = np.minimum(np.trunc(mu + 3 * sigma) + 1, size)[..., None]
    g = np.exp(-(grid - mu[..., None]) ** 2 / np.float32(2 * sigma ** 2))
    return np.where((grid >= start) & (grid < stop), g, np.float32(0)).astype(np.float32)


def keypoint_heatmaps(kp: np.ndarray, score: np.ndarray, h: int, w: int, sigma: float = 0.6,
                      eps: float = 1e-4) -> np.ndarray:
    """kp [M,T,K,2], score [M,T,K] -> [T,K,H,W]: score-scaled Gaussians, max over persons.

    The 2-D Gaussian is separable, so each person costs one broadcast outer product gy (x) gx with the
    contiguous W axis innermost (a [T,H,W,K] layout would make numpy loop over 17-element rows).
    """
    num_p, t, k = score.shape
    out = None
    for m in range(num_p):  # persons only (1-2 in practice); frames, joints and pixels are vectorised
        s = np.where(score[m] >= eps, score[m], np.float32(0)).astype(np.float32)  # [T,K]
        if not s.any():
            continue
        gx = _axis_gauss(kp[m, ..., 0], w, sigma) * s[..., None]  # [T,K,W]
        gy = _axis_gauss(kp[m, ..., 1], h, sigma)  # [T,K,H]
        if out is None:
            out = np.multiply(gy[..., :, None], gx[..., None, :])
            continue
        for f in range(0, t, 8):  # 8-frame chunks keep the temporary product small (no 10 MB allocation)
            np.maximum(out[f:f + 8], gy[f:f + 8, :, :, None] * gx[f:f + 8, :, None, :], out=out[f:f + 8])
    return np.zeros((t, k, h, w), dtype=np.float32) if out is None else out


def _window(lo, hi, sigma: float, size: int):
    """mmaction's 3-sigma window [max(int(lo-3s), 0), min(int(hi+3s)+1, size))."""
    return np.maximum(np.trunc(lo - 3 * sigma), 0), np.minimum(np.trunc(hi + 3 * sigma) + 1, size)


def limb_heatmaps(kp: np.ndarray, score: np.ndarray, h: int, w: int, sigma: float = 0.6,
                  skeleton=SKELETON, eps: float = 1e-4) -> np.ndarray:
    """[T, L, H, W]: Gaussian of the distance to each limb segment, scaled by the weaker end's score; a limb
    shorter than 1 px is drawn as its start keypoint (with the start's score), as in mmaction2."""
    num_p, t, _ = score.shape
    out = np.zeros((t, len(skeleton), h, w), dtype=np.float32)
    xs = np.arange(w, dtype=np.float32)[None, None, :]
    ys = np.arange(h, dtype=np.float32)[None, :, None]
    for m in range(num_p):
        for li, (a, b) in enumerate(skeleton):  # 17 limbs; frames and pixels are vectorised
            ax, ay = [kp[m, :, a, i][:, None, None] for i in (0, 1)]
            bx, by = [kp[m, :, b, i][:, None, None] for i in (0, 1)]
            d2a = (xs - ax) ** 2 + (ys - ay) ** 2
            d2b = (xs - bx) ** 2 + (ys - by) ** 2
            d2ab = (ax - bx) ** 2 + (ay - by) ** 2
            coeff = (d2a - d2b + d2ab) / 2.0 / np.maximum(d2ab, 1e-12)
            d2line = (xs - (ax + coeff * (bx - ax))) ** 2 + (ys - (ay + coeff * (by - ay))) ** 2
            point = d2ab < 1
            d2 = np.where(point, d2a, np.where(coeff <= 0, d2a, np.where(coeff >= 1, d2b, d2line)))
            x0, x1 = _window(np.where(point, ax, np.minimum(ax, bx)), np.where(point, ax, np.maximum(ax, bx)), sigma, w)
            y0, y1 = _window(np.where(point, ay, np.minimum(ay, by)), np.where(point, ay, np.maximum(ay, by)), sigma, h)
            weakest = np.minimum(score[m, :, a], score[m, :, b])[:, None, None]
            value = np.where(point, score[m, :, a][:, None, None], weakest)
            inside = (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1) & (weakest >= eps)
            patch = np.where(inside, np.exp(-d2 / 2 / sigma ** 2) * value, 0).astype(np.float32)
            np.maximum(out[:, li], patch, out=out[:, li])
    return out


class GeneratePoseTarget:
    """Keypoint (and/or limb) heatmaps per frame -> results['imgs'] [T,C,H,W] (pyskl's layout; mmaction2 0.x
    keeps [T,H,W,C], which only changes where FormatShape transposes).

    double=True appends the heatmaps of a fully flipped copy (test-time flip), giving 2T frames.
    """

    def __init__(self, sigma: float = 0.6, use_score: bool = True, with_kp: bool = True, with_limb: bool = False,
                 double: bool = False, left_kp=LEFT_KP, right_kp=RIGHT_KP, skeleton=SKELETON) -> None:
        self.sigma, self.use_score, self.with_kp, self.with_limb = sigma, use_score, with_kp, with_limb
        self.double, self.left_kp, self.right_kp, self.skeleton = double, left_kp, right_kp, skeleton

    def _generate(self, kp: np.ndarray, score: np.ndarray, h: int, w: int) -> np.ndarray:
        if not self.use_score:
            score = np.ones_like(score)
        maps = []
        if self.with_kp:
            maps.append(keypoint_heatmaps(kp, score, h, w, self.sigma))
        if self.with_limb:
            maps.append(limb_heatmaps(kp, score, h, w, self.sigma, self.skeleton))
        return maps[0] if len(maps) == 1 else np.concatenate(maps, axis=1)

    def __call__(self, results: dict) -> dict:
        h, w = results["img_shape"]
        kp, score = results["keypoint"], results["keypoint_score"]
        imgs = self._generate(kp, score, h, w)
        if self.double:
            fkp, fscore = flip_keypoints(kp, score, w, self.left_kp, self.right_kp)
            imgs = np.concatenate([imgs, self._generate(fkp, fscore, h, w)], axis=0)
        results["imgs"] = imgs
        return results


class FormatShape:
    """imgs [views*clip_len, C, H, W] -> [views, C, clip_len, H, W] ('NCTHW')."""

    def __call__(self, results: dict) -> dict:
        imgs = results["imgs"]
        t = results["clip_len"]
        _, c, h, w = imgs.shape
        results["imgs"] = np.ascontiguousarray(imgs.reshape(-1, t, c, h, w).transpose(0, 2, 1, 3, 4))
        return results


def build_pipeline(data_cfg: dict, mode: str) -> Compose:
    """mode: 'train' | 'val' (1 clip) | 'test' (num clips x flip-doubled views)."""
    clip_len, sigma = data_cfg["clip_len"], data_cfg.get("sigma", 0.6)
    with_limb = data_cfg.get("with_limb", False)
    with_kp = not with_limb or data_cfg.get("with_kp", False)
    if mode == "train":
        size = data_cfg["train_size"]
        steps = [UniformSampleFrames(clip_len), PoseDecode(), PoseCompact(),
                 Resize((-1, data_cfg["resize_short"])), RandomResizedCrop(area_range=(0.56, 1.0)),
                 Resize((size, size)), Flip(0.5),
                 GeneratePoseTarget(sigma, with_kp=with_kp, with_limb=with_limb)]
    else:
        size = data_cfg["test_size"]
        test = mode == "test"
        steps = [UniformSampleFrames(clip_len, data_cfg["test_clips"] if test else 1, test_mode=True),
                 PoseDecode(), PoseCompact(), Resize((-1, size)), CenterCrop(size),
                 GeneratePoseTarget(sigma, with_kp=with_kp, with_limb=with_limb,
                                    double=test and data_cfg.get("test_double", True))]
    return Compose(steps + [FormatShape()])
