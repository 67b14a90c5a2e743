"""PoseC3D data pipeline as small composable transforms on a `results` dict (mmaction2 0.x semantics).

Each transform reads/writes the keys of one annotation: `keypoint` [M,T,17,2], `keypoint_score` [M,T,17],
`total_frames`, `img_shape` (h, w); later steps add `frame_inds`, `imgs` and `num_clips`.
"""
from __future__ import annotations

import random
from typing import Sequence

import numpy as np

# Defaults of mmaction2 0.x mmaction/datasets/pipelines/pose_loading.py GeneratePoseTarget.__init__ (COCO-17):
# the joints a horizontal flip swaps, and the limb list of limb heatmaps, in this order (channel i = limb i).
LEFT_KP = (1, 3, 5, 7, 9, 11, 13, 15)
RIGHT_KP = (2, 4, 6, 8, 10, 12, 14, 16)
SKELETON = ((0, 1), (0, 2), (1, 3), (2, 4), (0, 5), (5, 7), (7, 9), (0, 6), (6, 8), (8, 10), (5, 11), (11, 13),
            (13, 15), (6, 12), (12, 14), (14, 16), (11, 12))
# The limb pairs a flip swaps, for SKELETON's order (pyskl / mmaction2 1.x GeneratePoseTarget defaults; mmaction2
# 0.x redraws flipped keypoints instead, so there they only have to agree with SKELETON, see check_flip_pairs).
LEFT_LIMB = (0, 2, 4, 5, 6, 10, 11, 12)
RIGHT_LIMB = (1, 3, 7, 8, 9, 13, 14, 15)
# The order every official `*_limb` config passes as `skeletons` (mmaction2 0.x
# configs/skeleton/posec3d/slowonly_r50_u48_240e_{ntu60_xsub,ntu120_xsub,gym}_limb.py) and its flip pairs
# (mmaction2 1.x / pyskl limb configs: left_limb, right_limb).
LIMB_CONFIG_SKELETON = ((0, 5), (0, 6), (5, 7), (7, 9), (6, 8), (8, 10), (5, 11), (11, 13), (13, 15), (6, 12),
                        (12, 14), (14, 16), (0, 1), (0, 2), (1, 3), (2, 4), (11, 12))
LIMB_CONFIG_LEFT_LIMB = (0, 2, 3, 6, 7, 8, 12, 14)
LIMB_CONFIG_RIGHT_LIMB = (1, 4, 5, 9, 10, 11, 13, 15)


def flip_order(n: int, left, right) -> np.ndarray:
    """Index permutation of a horizontal flip: left[i] <-> right[i], the rest stay."""
    order = np.arange(n)
    for a, b in zip(left, right):
        order[a], order[b] = b, a
    return order


def check_flip_pairs(num_kp: int, left_kp, right_kp, skeleton=None, left_limb=None, right_limb=None,
                     where: str = "data config") -> None:
    """Raise a UserError unless the flip lists are consistent: left_kp/right_kp pair distinct joints, and (with a
    skeleton) left_limb/right_limb pair exactly the limbs that the joint swap maps onto each other, so that flipped
    limb channel i holds the mirror of limb i (what a limb checkpoint trained with these lists expects)."""
    from utils import UserError
    kp_pairs = list(left_kp) + list(right_kp)
    if len(left_kp) != len(right_kp) or len(set(kp_pairs)) != len(kp_pairs) or \
            not all(0 <= int(k) < num_kp for k in kp_pairs):
        raise UserError(f"left_kp {list(left_kp)} / right_kp {list(right_kp)} are not disjoint pairs of joints "
                        f"0..{num_kp - 1}, {where}, list each left joint and its right partner at the same position")
    if skeleton is None:
        return
    if not all(len(limb) == 2 and all(0 <= int(k) < num_kp for k in limb) for limb in skeleton):
        raise UserError(f"skeletons {[list(x) for x in skeleton]} has a limb that is not a pair of joints "
                        f"0..{num_kp - 1}, {where}, list limbs as [start, end] joint pairs")
    if left_limb is None and right_limb is None:
        return
    kp_order = flip_order(num_kp, left_kp, right_kp)
    limb_order = flip_order(len(skeleton), left_limb or (), right_limb or ())
    for i, (a, b) in enumerate(skeleton):
        j = int(limb_order[i])
        if {int(kp_order[a]), int(kp_order[b])} != {int(x) for x in skeleton[j]}:
            raise UserError(f"limb {i} {list(skeleton[i])} flips to {[int(kp_order[a]), int(kp_order[b])]} but "
                            f"left_limb/right_limb pair it with limb {j} {list(skeleton[j])}, {where}, give "
                            "left_limb/right_limb that match the order of skeletons (see configs/*_limb.yaml)")


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
    """Shrink the frame to a box 1.25x around all non-zero keypoints, squared by hw_ratio (may leave the image).

    mmaction2 0.x augmentations.py PoseCompact.__call__ with hw_ratio=1., allow_imgpad=True. Its box arithmetic
    runs on numpy float32 scalars (np.min/np.max of the float32 keypoints); the explicit np.float32 constants keep
    that on numpy 1.x too, where float32 scalar * Python float would give float64. The integer box corners are
    subtracted in place, so the keypoints stay float32.
    """

    def __init__(self, padding: float = 0.25, threshold: int = 10, hw_ratio=(1.0, 1.0)) -> None:
        self.padding, self.threshold = padding, threshold
        self.hw_ratio = tuple(hw_ratio) if isinstance(hw_ratio, (tuple, list)) else (hw_ratio, hw_ratio)  # _pair

    def __call__(self, results: dict) -> dict:
        kp = results["keypoint"]
        kp[np.isnan(kp)] = 0.0
        x, y = kp[..., 0], kp[..., 1]
        min_x, max_x = np.min(x[x != 0], initial=np.inf), np.max(x[x != 0], initial=-np.inf)
        min_y, max_y = np.min(y[y != 0], initial=np.inf), np.max(y[y != 0], initial=-np.inf)
        if max_x - min_x < self.threshold or max_y - min_y < self.threshold:
            return results  # too few visible keypoints (or none): keep the frame as it is
        f32, two = np.float32, np.float32(2)
        cx, cy = (max_x + min_x) / two, (max_y + min_y) / two
        half_w = (max_x - min_x) / two * f32(1 + self.padding)
        half_h = (max_y - min_y) / two * f32(1 + self.padding)
        half_h = max(f32(self.hw_ratio[0]) * half_w, half_h)
        half_w = max(f32(1 / self.hw_ratio[1]) * half_h, half_w)
        min_x, max_x, min_y, max_y = int(cx - half_w), int(cx + half_w), int(cy - half_h), int(cy + half_h)
        x[x != 0] -= min_x
        y[y != 0] -= min_y
        results["img_shape"] = (max_y - min_y, max_x - min_x)
        return results


class Resize:
    """scale (-1, s): short side to s keeping the ratio (mmcv.rescale_size, int(x * f + 0.5)); (w, h): exact size.

    mmaction2 0.x augmentations.py Resize._resize_kps: keypoints times a float32 [sx, sy], so float32 keypoints stay
    float32 (before a crop) and float64 ones stay float64 (after a crop).
    """

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
    """mmaction2 0.x augmentations.py RandomCrop._crop_kps: `kps - crop_bbox[:2]` with an int64 box, which turns the
    float32 keypoints into float64 for every later step (Resize, Flip, the heatmap windows)."""
    results["keypoint"] = results["keypoint"] - np.array([left, top], dtype=np.int64)
    results["img_shape"] = (height, width)
    return results


class RandomResizedCrop:
    """Inception-style crop: 10 tries of (area, aspect) draws, else the central square
    (mmaction2 0.x augmentations.py RandomResizedCrop.get_crop_bbox)."""

    def __init__(self, area_range=(0.56, 1.0), aspect_ratio_range=(3 / 4, 4 / 3), max_attempts: int = 10) -> None:
        self.area_range, self.aspect_ratio_range, self.max_attempts = area_range, aspect_ratio_range, max_attempts

    def __call__(self, results: dict) -> dict:
        h, w = results["img_shape"]
        lo, hi = np.log(self.aspect_ratio_range[0]), np.log(self.aspect_ratio_range[1])
        # numpy draws all ratios, then all areas; offsets come from python's `random` (both ends inclusive)
        ratios = np.exp(np.random.uniform(lo, hi, size=self.max_attempts))
        areas = np.random.uniform(*self.area_range, size=self.max_attempts) * (h * w)  # times the int area, once
        crop_w = np.round(np.sqrt(areas * ratios)).astype(np.int32)
        crop_h = np.round(np.sqrt(areas / ratios)).astype(np.int32)
        for cw, ch in zip(crop_w, crop_h):
            if ch <= h and cw <= w:
                left, top = random.randint(0, w - cw), random.randint(0, h - ch)
                return _crop(results, left, top, int(cw), int(ch))
        side = min(h, w)
        return _crop(results, (w - side) // 2, (h - side) // 2, side, side)


class CenterCrop:
    """mmaction2 0.x augmentations.py CenterCrop: left = (w - size) // 2, top = (h - size) // 2."""

    def __init__(self, size: int) -> None:
        self.size = size

    def __call__(self, results: dict) -> dict:
        h, w = results["img_shape"]
        return _crop(results, (w - self.size) // 2, (h - self.size) // 2, self.size, self.size)


def flip_keypoints(kp: np.ndarray, score: np.ndarray, width: int, left_kp=LEFT_KP, right_kp=RIGHT_KP):
    """x' = width - x for visible (non-zero) x, then swap left/right joints (mmaction2 0.x augmentations.py
    Flip._flip_kps; the dtype of kp is kept)."""
    kp = kp.copy()
    x = kp[..., 0]
    x[x != 0] = width - x[x != 0]
    order = flip_order(kp.shape[2], left_kp, right_kp)
    return kp[:, :, order], score[:, :, order]


class Flip:
    def __init__(self, flip_ratio: float = 0.5, left_kp=LEFT_KP, right_kp=RIGHT_KP) -> None:
        self.flip_ratio, self.left_kp, self.right_kp = flip_ratio, left_kp, right_kp

    def __call__(self, results: dict) -> dict:
        if np.random.rand() < self.flip_ratio:
            results["keypoint"], results["keypoint_score"] = flip_keypoints(
                results["keypoint"], results["keypoint_score"], results["img_shape"][1], self.left_kp, self.right_kp)
        return results


def _window(lo, hi, sigma: float, size: int):
    """mmaction2's 3-sigma window [max(int(lo - 3s), 0), min(int(hi + 3s) + 1, size)), from float64 centres
    (pose_loading.py GeneratePoseTarget.generate_a_heatmap / generate_a_limb_heatmap)."""
    lo, hi = np.asarray(lo, np.float64), np.asarray(hi, np.float64)
    return np.maximum(np.trunc(lo - 3 * sigma), 0), np.minimum(np.trunc(hi + 3 * sigma) + 1, size)


def _axis_gauss(mu: np.ndarray, size: int, sigma: float, scale=None) -> np.ndarray:
    """float64 1-D Gaussian of every centre along one axis, zero outside the 3-sigma window. mu: [...] ->
    [..., size]; `scale` [...] multiplies each row (the keypoint score). exp() runs only inside the windows
    (at most 6 sigma + 2 pixels per centre): on the whole grid its underflowing tails cost more than the rest."""
    mu = np.asarray(mu, np.float64)
    grid = np.arange(size, dtype=np.float64)
    start, stop = _window(mu, mu, sigma, size)
    d2 = (grid - mu[..., None]) ** 2
    inside = (grid >= start[..., None]) & (grid < stop[..., None])
    g = np.zeros(d2.shape)
    g[inside] = np.exp(-d2[inside] / 2 / sigma ** 2)  # the official expression, in float64
    if scale is not None:
        g *= scale[..., None]
    return g


def keypoint_heatmaps(kp: np.ndarray, score: np.ndarray, h: int, w: int, sigma: float = 0.6,
                      eps: float = 1e-4) -> np.ndarray:
    """kp [M,T,K,2], score [M,T,K] -> float32 [T,K,H,W]: score-scaled Gaussians, max over persons.

    mmaction2 0.x pose_loading.py GeneratePoseTarget.generate_a_heatmap draws, per joint and person, the float64
    patch exp(-((x-mx)^2 + (y-my)^2) / 2 / s^2) * score in the window [max(int(m-3s), 0), min(int(m+3s)+1, size))
    of float64 centres (the keypoints are float64 after the crop) and keeps the max in a float32 map. Here the
    Gaussian is separable, so each person costs one broadcast outer product gy (x) gx with the contiguous W axis
    innermost (a [T,H,W,K] layout would make numpy loop over 17-element rows). The factors and the windows are
    float64; the product is taken in float32 (rounding each factor once), which keeps the speed of a float32
    product and stays within 1 ulp (<= 6e-8) of the official float64 patch.
    """
    num_p, t, k = score.shape
    out = np.empty((t, k, h, w), dtype=np.float32)  # the first drawn person writes every element
    tmp = None
    for m in range(num_p):  # persons only (1-2 in practice); frames, joints and pixels are vectorised
        s = np.where(score[m] >= eps, score[m], 0).astype(np.float64)  # [T,K]; below eps: not drawn
        if not s.any():
            continue
        gx = _axis_gauss(kp[m, ..., 0], w, sigma, s).astype(np.float32)  # [T,K,W]
        gy = _axis_gauss(kp[m, ..., 1], h, sigma).astype(np.float32)  # [T,K,H]
        if tmp is None:  # the first drawn person writes straight into the output
            tmp = np.empty((min(t, 8), k, h, w), dtype=np.float32)
            np.multiply(gy[..., :, None], gx[..., None, :], out=out)
            continue
        for f in range(0, t, 8):  # 8-frame chunks keep the temporary small (no 10 MB allocation)
            n = min(8, t - f)
            np.multiply(gy[f:f + n, :, :, None], gx[f:f + n, :, None, :], out=tmp[:n])
            np.maximum(out[f:f + n], tmp[:n], out=out[f:f + n])
    if tmp is None:  # nobody drawn: an empty map
        out[...] = 0
    return out


def limb_heatmaps(kp: np.ndarray, score: np.ndarray, h: int, w: int, sigma: float = 0.6,
                  skeleton=SKELETON, eps: float = 1e-4) -> np.ndarray:
    """[T, L, H, W], channel i = limb skeleton[i]: Gaussian of the distance to the segment, scaled by the weaker
    end's score; a limb shorter than 1 px is drawn as its start keypoint (with the start's score). Follows
    mmaction2 0.x pose_loading.py GeneratePoseTarget.generate_a_limb_heatmap, in float64, vectorised over frames."""
    num_p, t, _ = score.shape
    kp = np.asarray(kp, np.float64)
    out = np.zeros((t, len(skeleton), h, w), dtype=np.float32)
    xs = np.arange(w, dtype=np.float64)[None, None, :]
    ys = np.arange(h, dtype=np.float64)[None, :, None]
    for m in range(num_p):
        for li, (a, b) in enumerate(skeleton):  # 17 limbs; frames and pixels are vectorised
            ax, ay = [kp[m, :, a, i][:, None, None] for i in (0, 1)]
            bx, by = [kp[m, :, b, i][:, None, None] for i in (0, 1)]
            d2a = (xs - ax) ** 2 + (ys - ay) ** 2
            d2b = (xs - bx) ** 2 + (ys - by) ** 2
            d2ab = (ax - bx) ** 2 + (ay - by) ** 2
            coeff = (d2a - d2b + d2ab) / 2. / np.maximum(d2ab, 1e-12)
            d2line = (xs - (ax + coeff * (bx - ax))) ** 2 + (ys - (ay + coeff * (by - ay))) ** 2
            point = d2ab < 1
            d2 = np.where(point, d2a, np.where(coeff <= 0, d2a, np.where(coeff >= 1, d2b, d2line)))
            x0, x1 = _window(np.where(point, ax, np.minimum(ax, bx)), np.where(point, ax, np.maximum(ax, bx)), sigma, w)
            y0, y1 = _window(np.where(point, ay, np.minimum(ay, by)), np.where(point, ay, np.maximum(ay, by)), sigma, h)
            weakest = np.minimum(score[m, :, a], score[m, :, b])[:, None, None]
            value = np.where(point, score[m, :, a][:, None, None], weakest).astype(np.float64)
            inside = (xs >= x0) & (xs < x1) & (ys >= y0) & (ys < y1) & (weakest >= eps)
            patch = np.where(inside, np.exp(-d2 / 2. / sigma ** 2) * value, 0)
            np.maximum(out[:, li], patch, out=out[:, li], casting="same_kind")
    return out


class GeneratePoseTarget:
    """Keypoint (and/or limb) heatmaps per frame -> results['imgs'] [T,C,H,W] (pyskl's layout; mmaction2 0.x
    keeps [T,H,W,C], which only changes where FormatShape transposes). Channels: the K keypoints, then the limbs
    in `skeleton` order.

    double=True appends the heatmaps of a fully flipped copy (test-time flip), giving 2T frames; as in mmaction2
    0.x the copy's keypoints are flipped with left_kp/right_kp and redrawn, so limb channel i of the copy holds
    the mirror image of limb i's partner.
    """

    def __init__(self, sigma: float = 0.6, use_score: bool = True, with_kp: bool = True, with_limb: bool = False,
                 double: bool = False, left_kp=LEFT_KP, right_kp=RIGHT_KP, skeleton=SKELETON) -> None:
        self.sigma, self.use_score, self.with_kp, self.with_limb = sigma, use_score, with_kp, with_limb
        self.double, self.left_kp, self.right_kp = double, left_kp, right_kp
        self.skeleton = tuple(tuple(int(k) for k in limb) for limb in skeleton)

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


def flip_settings(data_cfg: dict, num_kp: int = 17, where: str = "data config") -> dict:
    """The data section's flip/limb keys (left_kp, right_kp, skeletons = limb channel order, left_limb,
    right_limb), validated with check_flip_pairs; the limb lists only matter with `with_limb`."""
    skeleton = tuple(tuple(int(k) for k in limb) for limb in data_cfg["skeletons"])
    out = {"left_kp": tuple(data_cfg["left_kp"]), "right_kp": tuple(data_cfg["right_kp"]), "skeleton": skeleton,
           "left_limb": tuple(data_cfg["left_limb"]), "right_limb": tuple(data_cfg["right_limb"])}
    check_flip_pairs(num_kp, out["left_kp"], out["right_kp"], skeleton if data_cfg["with_limb"] else None,
                     out["left_limb"], out["right_limb"], where)
    return out


def build_pipeline(data_cfg: dict, mode: str) -> Compose:
    """mode: 'train' | 'val' (1 clip) | 'test' (num clips x flip-doubled views), as the mmaction2 0.x PoseC3D
    configs (configs/skeleton/posec3d/*.py: train_pipeline, val_pipeline, test_pipeline). `data_cfg` is a config's
    data section (utils/config.py SCHEMA: every key present)."""
    fs = flip_settings(data_cfg)
    target = dict(sigma=data_cfg["sigma"], with_kp=data_cfg["with_kp"], with_limb=data_cfg["with_limb"],
                  left_kp=fs["left_kp"], right_kp=fs["right_kp"], skeleton=fs["skeleton"])
    clip_len = data_cfg["clip_len"]
    if mode == "train":
        size = data_cfg["train_size"]
        steps = [UniformSampleFrames(clip_len), PoseDecode(), PoseCompact(),
                 Resize((-1, data_cfg["resize_short"])), RandomResizedCrop(area_range=(0.56, 1.0)),
                 Resize((size, size)), Flip(0.5, fs["left_kp"], fs["right_kp"]), GeneratePoseTarget(**target)]
    else:
        size = data_cfg["test_size"]
        test = mode == "test"
        steps = [UniformSampleFrames(clip_len, data_cfg["test_clips"] if test else 1, test_mode=True),
                 PoseDecode(), PoseCompact(), Resize((-1, size)), CenterCrop(size),
                 GeneratePoseTarget(double=test and data_cfg["test_double"], **target)]
    return Compose(steps + [FormatShape()])
