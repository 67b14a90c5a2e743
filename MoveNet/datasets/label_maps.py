"""The 86x48x48 training targets of movenet.pytorch: 17 keypoint heatmaps, 1 centre map, 34 regression maps,
34 offset maps (x, y per joint), built from the normalised crop annotations."""
from typing import List, Sequence, Tuple

import numpy as np


def cone_heatmap(x: int, y: int, others: Sequence[Sequence[float]], size: int, sigma: int) -> np.ndarray:
    """Exponential cone exp(-3 d / r), r = (sigma + 6) // 2, at (x, y) and at every other person's point of the
    same kind, summed and clipped to 1. Cells cover [x - r, x + r) x [y - r, y + r) with d <= r; an out-of-map
    (x, y) gives an empty map (as the original, other persons included)."""
    heatmap = np.zeros((size, size))
    if x < 0 or y < 0 or x >= size or y >= size:
        return heatmap
    r = (sigma + 6) // 2
    tops = [(x, y)]
    for p in others:
        ox, oy = int(p[0] * size), int(p[1] * size)
        ox, oy = size - 1 if ox == size else ox, size - 1 if oy == size else oy
        if 0 <= ox <= size and 0 <= oy <= size:
            tops.append((ox, oy))
    ys, xs = np.mgrid[0:size, 0:size]
    for tx, ty in tops:
        d = np.sqrt((xs - tx) ** 2 + (ys - ty) ** 2)
        window = (xs >= tx - r) & (xs < tx + r) & (ys >= ty - r) & (ys < ty + r) & (d <= r)
        heatmap[window] += np.exp(-d[window] / r * 3)
    return np.minimum(heatmap, 1)


def person_sigma(keypoints: np.ndarray) -> int:
    """3 / 5 / 7 from the area of the labelled keypoints' extent (normalised)."""
    vis = keypoints[keypoints[:, 2] > 0]
    area = (vis[:, 1].max() - vis[:, 1].min()) * (vis[:, 0].max() - vis[:, 0].min())
    return 3 if area < 0.16 else 5 if area < 0.3 else 7


def _cell(v: float, img_size: int) -> float:
    """kp * img_size // 4 as the original (float floor division), with the right edge folded in."""
    c = v * img_size // 4
    return img_size // 4 - 1 if c == img_size // 4 else c


def build_label_maps(keypoints: Sequence[float], center: Sequence[float], other_centers: List,
                     other_keypoints: List, img_size: int = 192) -> Tuple[np.ndarray, np.ndarray]:
    """-> labels [4J + 2 = 86, 48, 48] float32 and kps_mask [J] float32 (1 where v > 0)."""
    kps = np.asarray(keypoints, dtype=np.float64).reshape(-1, 3)
    j, size = len(kps), img_size // 4
    others = other_keypoints if len(other_keypoints) else [[] for _ in range(j)]
    sigma = person_sigma(kps)
    heatmaps = np.zeros((j, size, size))
    for i, (x, y, v) in enumerate(kps):
        if v == 0:
            continue
        cx, cy = int(_cell(x, img_size)), int(_cell(y, img_size))
        cx = -1 if cx > size or cx < 0 else cx
        cy = -1 if cy > size or cy < 0 else cy
        heatmaps[i] = cone_heatmap(cx, cy, others[i], size, sigma)
    cx = min(max(0, int(center[0] * img_size // 4)), size - 1)
    cy = min(max(0, int(center[1] * img_size // 4)), size - 1)
    centers = cone_heatmap(cx, cy, other_centers, size, sigma + 2)[None]
    regs = np.zeros((2 * j, size, size))
    offsets = np.zeros((2 * j, size, size))
    # the sign flips with the half of the map the centre lies in, as in the original label2reg
    ks, js = np.arange(cx - 2, cx + 3), np.arange(cy - 2, cy + 3)
    ks, js = ks[(ks >= 0) & (ks < size)], js[(js >= 0) & (js < size)]
    sx = -1 if cx < size / 2 - 1 else 1
    sy = -1 if cy < size / 2 - 1 else 1
    for i, (x, y, v) in enumerate(kps):
        if v == 0:
            continue
        fx, fy = _cell(x, img_size), _cell(y, img_size)
        if 0 <= fx <= size and 0 <= fy <= size:
            regs[2 * i][np.ix_(js, ks)] = (fx - cx) + sx * (cx - ks)[None, :]
            regs[2 * i + 1][np.ix_(js, ks)] = (fy - cy) + sy * (cy - js)[:, None]
        small_x = int(np.float32(regs[2 * i, cy, cx]) + cx)
        small_y = int(np.float32(regs[2 * i + 1, cy, cx]) + cy)
        off_x, off_y = int(x * img_size) / 4 - small_x, int(y * img_size) / 4 - small_y
        small_x = size - 1 if small_x == size else small_x
        small_y = size - 1 if small_y == size else small_y
        if 0 <= small_x <= size and 0 <= small_y <= size:
            offsets[2 * i, small_y, small_x] = off_x
            offsets[2 * i + 1, small_y, small_x] = off_y
    labels = np.concatenate([heatmaps, centers, regs, offsets]).astype(np.float32)
    return labels, (kps[:, 2] > 0).astype(np.float32)
