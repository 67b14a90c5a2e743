"""Training augmentation of movenet.pytorch (DataAug) as small composable classes.

Every transform is called as `t(img, label, rng) -> (img, label)` with an RGB uint8 image, the crop's label dict
(keypoints [x, y, v]*17, center, other_centers, other_keypoints, coordinates normalised to [0, 1]) and a
numpy Generator, so a sample's augmentation depends only on (seed, epoch, index)."""
import copy
from typing import Callable, Dict, Tuple

import cv2
import numpy as np

Label = Dict
# COCO order: nose, l/r eye, l/r ear, l/r shoulder, l/r elbow, l/r wrist, l/r hip, l/r knee, l/r ankle
FLIP_ORDER = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]


def _inside(p) -> bool:
    return 0 <= p[0] < 1 and 0 <= p[1] < 1


def _transform_points(label: Label, fn: Callable[[np.ndarray], np.ndarray], clip_center: bool = False,
                      filter_others: bool = True, zero_outside: bool = True) -> Label:
    """Map every point of a label through fn ([N,2] normalised -> [N,2]); keypoints leaving [0,1) get v = 0
    (Crop/Move/Rotate/Affine of the original; its Padding does not touch v: zero_outside=False), other persons'
    points leaving it are dropped (Crop/Rotate/Affine; Padding keeps them: filter_others=False)."""
    kps = np.asarray(label['keypoints'], dtype=np.float64).reshape(-1, 3)
    kps[:, :2] = fn(kps[:, :2])
    if zero_outside:
        kps[~((kps[:, 0] >= 0) & (kps[:, 0] < 1) & (kps[:, 1] >= 0) & (kps[:, 1] < 1)), 2] = 0
    label['keypoints'] = kps.reshape(-1).tolist()
    center = fn(np.asarray(label['center'], dtype=np.float64).reshape(1, 2))[0]
    label['center'] = np.clip(center, 0, 1).tolist() if clip_center else center.tolist()
    keep = _inside if filter_others else (lambda p: True)
    if len(label['other_centers']):
        label['other_centers'] = [p for p in fn(np.asarray(label['other_centers'], dtype=np.float64)).tolist()
                                  if keep(p)]
    label['other_keypoints'] = [[p for p in fn(np.asarray(pts, dtype=np.float64)).tolist() if keep(p)]
                                if len(pts) else [] for pts in label['other_keypoints']]
    return label


class Mirror:
    """Horizontal flip with the left/right joints swapped. As the original, `other_keypoints` is reversed
    wholesale instead of swapped pair-wise (a bug kept for fidelity)."""

    def __call__(self, img: np.ndarray, label: Label, rng: np.random.Generator) -> Tuple[np.ndarray, Label]:
        kps = np.asarray(label['keypoints'], dtype=np.float64).reshape(-1, 3)
        kps[:, 0] = 1 - kps[:, 0]
        label['keypoints'] = kps[FLIP_ORDER].reshape(-1).tolist()
        label['center'] = [1 - label['center'][0], label['center'][1]]
        label['other_centers'] = [[1 - p[0], p[1]] for p in label['other_centers']]
        label['other_keypoints'] = [[[1 - p[0], p[1]] for p in pts] for pts in label['other_keypoints']][::-1]
        return cv2.flip(img, 1), label


class Padding:
    """Zero-pad by (1..2)/2 * max_pad_ratio of the side on every border, resize back (data_augment.py Padding: the
    points are mapped as (x * w + x0) / new_size and their v is left as it is)."""

    def __init__(self, max_pad_ratio: float = 0.12):
        self.max_pad_ratio = max_pad_ratio

    def __call__(self, img, label, rng):
        h, w = img.shape[:2]
        size = max(h, w)
        pad_ratio = (rng.random() + 1) * self.max_pad_ratio / 2
        pad = int(size * pad_ratio)
        new = size + 2 * pad
        x0, y0 = (new - w) // 2, (new - h) // 2
        canvas = np.zeros((new, new, 3), dtype=np.float64)
        canvas[y0:y0 + h, x0:x0 + w] = img
        img = cv2.resize(canvas, (w, h)).astype(np.uint8)
        fn = lambda p: (p * np.array([w, h]) + np.array([x0, y0])) / new  # noqa: E731
        return img, _transform_points(label, fn, filter_others=False, zero_outside=False)


class Crop:
    """Crop pad_ratio ~ U(max/3, max) of each side (centred when other persons are present), resize back."""

    def __init__(self, max_pad_ratio: float = 0.3):
        self.max_pad_ratio = max_pad_ratio

    def __call__(self, img, label, rng):
        h, w = img.shape[:2]
        r = rng.uniform(self.max_pad_ratio / 3, self.max_pad_ratio)
        if len(label['other_centers']):
            crop_x, crop_y = int(w * r), int(h * r)
        else:
            crop_x = int(rng.integers(int(w * r) // 2, int(w * r) + 1))
            crop_y = int(rng.integers(int(w * r) // 2, int(h * r) + 1))
        new_w, new_h = int(w - w * r * 2), int(h - h * r * 2)
        img = cv2.resize(img[crop_y:crop_y + new_h, crop_x:crop_x + new_w], (w, h)).astype(np.uint8)
        fn = lambda p: (p * np.array([w, h]) - np.array([crop_x, crop_y])) / np.array([new_w, new_h])  # noqa: E731
        return img, _transform_points(label, fn, clip_center=True)


class Move:
    """Translate by U(max/2, max) of the side in a random direction (single-person crops only)."""

    def __init__(self, max_move_ratio: float = 0.2):
        self.max_move_ratio = max_move_ratio

    def __call__(self, img, label, rng):
        h, w = img.shape[:2]
        r = rng.uniform(self.max_move_ratio / 2, self.max_move_ratio)
        mx = int(rng.integers(int(w * r) // 2, int(w * r) + 1)) * int(rng.choice([-1, 1]))
        my = int(rng.integers(int(w * r) // 2, int(h * r) + 1)) * int(rng.choice([-1, 1]))
        img = cv2.warpAffine(img, np.float32([[1, 0, mx], [0, 1, my]]), (w, h))
        others = label['other_centers'], label['other_keypoints']  # the original moves only this person
        label = _transform_points(label, lambda p: p + np.array([mx / w, my / h]), clip_center=True)
        label['other_centers'], label['other_keypoints'] = others
        return img, label


def _warp(img: np.ndarray, label: Label, m: np.ndarray, flags: int) -> Tuple[np.ndarray, Label]:
    """Affine warp of image and points as data_augment.py Rotate/Affine: points are truncated to integer pixels,
    multiplied by the matrix in float64, cast to float32 and divided by the size in float32."""
    h, w = img.shape[:2]
    img = cv2.warpAffine(img, m[:2], (w, h), flags=flags, borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))

    def fn(p):
        px = (p * np.array([w, h])).astype(np.int32).T
        out = np.dot(m, np.vstack([px, np.ones((1, px.shape[1]))]))[:2].T.astype(np.float32)
        return (out / np.array([w, h], dtype=np.float32)).astype(np.float64)
    return img, _transform_points(label, fn)


class Rotate:
    def __init__(self, max_angle: float = 24.0):
        self.max_angle = max_angle

    def __call__(self, img, label, rng):
        h, w = img.shape[:2]
        m = cv2.getRotationMatrix2D((w / 2, h / 2), rng.uniform(-self.max_angle, self.max_angle), 1.0)
        return _warp(img, label, np.vstack([m, [0, 0, 1]]), cv2.INTER_CUBIC)  # the original's 3x3 full_M


class Affine:
    """Random shear/shift: three base points jittered by up to 40 px."""

    def __call__(self, img, label, rng):
        base = np.float32([[10, 100], [200, 50], [100, 250]])
        pts = (rng.random((3, 2)) * -40 + base).astype(np.float32)
        return _warp(img, label, cv2.getAffineTransform(pts, base), cv2.INTER_LINEAR)


class ColorDistort:
    """Contrast, brightness, hue, saturation (the original converts with BGR2HSV on its RGB array; kept)."""

    def __init__(self, contrast=(0.8, 1.2), brightness=(-0.2, 0.2), hue=(-0.1, 0.1), saturation=(0.8, 1.2)):
        self.contrast, self.brightness, self.hue, self.saturation = contrast, brightness, hue, saturation

    def __call__(self, img, label, rng):
        x = img.astype(np.float64)
        mean = img.mean(axis=0).mean(axis=0)  # adjust_contrast's order of means
        x = np.clip((x - mean) * rng.uniform(*self.contrast) + mean, 0, 255).astype(np.uint8)
        x = np.clip(x + rng.uniform(*self.brightness) * 255, 0, 255).astype(np.uint8)
        hsv = cv2.cvtColor(x, cv2.COLOR_BGR2HSV)
        hsv[..., 0] = np.mod(hsv[..., 0] + rng.uniform(*self.hue) * 180, 180)
        hsv[..., 1] = np.clip(hsv[..., 1] * rng.uniform(*self.saturation), 0, 255)
        return cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR), label


class PixelJitter:
    """Uniform per-pixel noise in [-max_value, max_value]. The original calls pixel_jitter(img, 15), which binds 15
    to its unused `p` argument, so the amplitude is the default 5."""

    def __init__(self, max_value: float = 5.0):
        self.max_value = max_value

    def __call__(self, img, label, rng):
        noise = (rng.random(img.shape) - 0.5) * 2 * self.max_value
        return np.clip(img.astype(np.float32) + noise, 0, 255).astype(np.uint8), label


class AID:
    """Occlude a random labelled keypoint with a grey square of half-size U(3, 6)/192 * (h + w) / 2."""

    def __call__(self, img, label, rng):
        h, w = img.shape[:2]
        half = int(rng.uniform(3 / 192, 6 / 192) * (h + w) / 2)
        kps = np.asarray(label['keypoints']).reshape(-1, 3)
        kps = kps[kps[:, 2] > 0]
        if len(kps) == 0:
            return img, label
        cx, cy = kps[int(rng.integers(0, len(kps)))][:2] * np.array([w, h])
        x0, y0 = int(max(0, cx - half)), int(max(0, cy - half))
        x1, y1 = int(min(w - 1, cx + half)), int(min(h - 1, cy + half))
        img = img.copy()
        img[y0:y1, x0:x1] = int(rng.integers(0, 256))
        return img, label


class DataAug:
    """The original's composition: mirror (p .5); then one of pad/crop (p .5), affine/rotate (p .15),
    move (p .2, half the time, single person); revert if the geometry dropped too many keypoints; colour (p .4),
    pixel jitter (p .4), AID (p .3)."""

    def __init__(self):
        self.mirror, self.padding, self.crop = Mirror(), Padding(), Crop()
        self.affine, self.rotate, self.move = Affine(), Rotate(), Move()
        self.color, self.jitter, self.aid = ColorDistort(), PixelJitter(), AID()

    def __call__(self, img: np.ndarray, label: Label, rng: np.random.Generator) -> Tuple[np.ndarray, Label]:
        new_img, new = img.copy(), copy.deepcopy(label)
        if rng.random() < 0.5:
            new_img, new = self.mirror(new_img, new, rng)
        rd = rng.random()
        if rd < 0.5:
            op = self.padding if rng.random() < 0.2 else self.crop
            new_img, new = op(new_img, new, rng)
        elif rd < 0.65:
            if rng.random() < 0.7:
                if len(new['other_centers']) == 0:
                    new_img, new = self.affine(new_img, new, rng)
            else:
                new_img, new = self.rotate(new_img, new, rng)
        elif rd < 0.85:
            alone = len(new['other_centers']) == 0 and len(new['other_keypoints'][0]) + len(new['other_keypoints'][3]) == 0
            if alone and rng.random() < 0.5:
                new_img, new = self.move(new_img, new, rng)
        zeros_before = sum(1 for v in label['keypoints'][2::3] if v == 0)
        zeros_after = sum(1 for v in new['keypoints'][2::3] if v == 0)
        if zeros_after - zeros_before > 3 or zeros_after > 5:
            new_img, new = img.copy(), copy.deepcopy(label)
        if rng.random() < 0.4:
            new_img, new = self.color(new_img, new, rng)
        if rng.random() < 0.4:
            new_img, new = self.jitter(new_img, new, rng)
        if rng.random() < 0.3:
            new_img, new = self.aid(new_img, new, rng)
        return new_img, new
