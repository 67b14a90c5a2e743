"""The skeleton picture of predict.py --save_vis (issue 17): the full frame at its true aspect ratio, COCO-17 limbs in
the project's palette (the person's LEFT side #1F77B4 blue, RIGHT side #FF7F0E orange, centre/torso/head #2CA02C
green, as PaddlePoseC3D's pictures), joints white with a dark outline, hollow where the score is below the threshold,
line widths and text scaled to the image, a caption and a small legend instead of a score over every joint.

MoveNet's input is the whole picture resized to 192x192 (no crop), so there is no crop box to draw."""
from typing import Optional

import cv2
import numpy as np

# COCO-17 (0-based): 0 nose, odd joints left, even joints right
SKELETON = [(0, 1), (0, 2), (1, 3), (2, 4), (5, 6), (5, 7), (7, 9), (6, 8), (8, 10), (5, 11), (6, 12), (11, 12),
            (11, 13), (13, 15), (12, 14), (14, 16)]
LEFT_JOINTS, RIGHT_JOINTS = set(range(1, 17, 2)), set(range(2, 17, 2))
PALETTE_BGR = {'left': (180, 119, 31), 'right': (14, 127, 255), 'centre': (44, 160, 44)}  # #1F77B4 #FF7F0E #2CA02C
JOINT_FILL, JOINT_EDGE = (255, 255, 255), (40, 40, 40)


def limb_side(a: int, b: int) -> str:
    if a in LEFT_JOINTS and b in LEFT_JOINTS:
        return 'left'
    if a in RIGHT_JOINTS and b in RIGHT_JOINTS:
        return 'right'
    return 'centre'


def unit_of(h: int, w: int) -> int:
    """Line width unit: 1 px per 240 px of the shorter side (1 on a 192 crop, 4-5 on a 1080p frame)."""
    return max(1, round(min(h, w) / 240))


def draw_pose(img_bgr: np.ndarray, kps: np.ndarray, thr: float = 0.1, caption: Optional[str] = None,
              legend: bool = True) -> np.ndarray:
    """A copy of the BGR frame with the person drawn. kps [J,3]: x, y normalised to the frame (the model's input is
    the frame resized without keeping its aspect, so x scales by the width and y by the height), score; decoded
    with no threshold, so every joint has a place. Joints under `thr` are hollow and their limbs left out."""
    img = img_bgr.copy()
    h, w = img.shape[:2]
    unit = unit_of(h, w)
    kps = np.asarray(kps, dtype=np.float64)
    pts = [(int(round(x * w)), int(round(y * h))) if x >= 0 else None for x, y, _ in kps]
    good = [p is not None and s >= thr for p, (_, _, s) in zip(pts, kps)]
    for a, b in SKELETON:
        if a < len(pts) and b < len(pts) and good[a] and good[b]:
            cv2.line(img, pts[a], pts[b], PALETTE_BGR[limb_side(a, b)], 2 * unit, cv2.LINE_AA)
    radius = 2 * unit + 1
    for p, ok in zip(pts, good):
        if p is None:
            continue
        if ok:
            cv2.circle(img, p, radius, JOINT_FILL, -1, cv2.LINE_AA)
            cv2.circle(img, p, radius, JOINT_EDGE, max(1, unit // 2 + 1), cv2.LINE_AA)
        else:  # hollow: white ring inside a dark one, visible on any background
            cv2.circle(img, p, radius, JOINT_EDGE, unit + 1, cv2.LINE_AA)
            cv2.circle(img, p, radius, JOINT_FILL, max(1, unit // 2), cv2.LINE_AA)
    if caption is None:
        found = int(sum(good))
        mean = float(kps[np.asarray(good), 2].mean()) if found else 0.0
        caption = f'MoveNet: {found}/{len(kps)} joints >= {thr:g}, mean score {mean:.2f}'
    font, scale, thick = cv2.FONT_HERSHEY_SIMPLEX, 0.4 * unit, unit
    pad = 3 * unit
    (tw, th), base = cv2.getTextSize(caption, font, scale, thick)
    if tw > w - 2 * pad:  # a narrow picture: a smaller font rather than a cut caption
        scale *= (w - 2 * pad) / tw
        (tw, th), base = cv2.getTextSize(caption, font, scale, thick)
    cv2.rectangle(img, (0, 0), (min(w - 1, tw + 2 * pad), th + base + 2 * pad), (0, 0, 0), -1)
    cv2.putText(img, caption, (pad, pad + th), font, scale, (255, 255, 255), thick, cv2.LINE_AA)
    if legend:
        draw_legend(img, thr, unit)
    return img


def draw_legend(img: np.ndarray, thr: float, unit: int) -> None:
    """Bottom-left box: the three limb colours and the hollow joint."""
    h, w = img.shape[:2]
    font, scale, thick = cv2.FONT_HERSHEY_SIMPLEX, 0.35 * unit, max(1, unit // 2 + (unit == 1))
    rows = [('left', PALETTE_BGR['left']), ('right', PALETTE_BGR['right']), ('centre', PALETTE_BGR['centre']),
            (f'score < {thr:g}', None)]
    (_, th), base = cv2.getTextSize('Ag', font, scale, thick)
    line = th + base + 2 * unit
    swatch = 10 * unit
    width = swatch + 3 * unit + max(cv2.getTextSize(t, font, scale, thick)[0][0] for t, _ in rows) + 4 * unit
    if width > w // 2 or len(rows) * line + 2 * unit > h // 2:
        return  # too small a picture for a legend
    y0 = h - len(rows) * line - 2 * unit
    overlay = img.copy()
    cv2.rectangle(overlay, (0, y0), (width, h), (0, 0, 0), -1)
    cv2.addWeighted(overlay, 0.55, img, 0.45, 0, dst=img)
    for i, (text, colour) in enumerate(rows):
        cy = y0 + unit + i * line + line // 2
        x = 2 * unit
        if colour is not None:
            cv2.line(img, (x, cy), (x + swatch, cy), colour, 2 * unit, cv2.LINE_AA)
        else:
            cv2.circle(img, (x + swatch // 2, cy), 2 * unit + 1, JOINT_EDGE, unit + 1, cv2.LINE_AA)
            cv2.circle(img, (x + swatch // 2, cy), 2 * unit + 1, JOINT_FILL, max(1, unit // 2), cv2.LINE_AA)
        cv2.putText(img, text, (x + swatch + 3 * unit, cy + th // 2), font, scale, (255, 255, 255), thick,
                    cv2.LINE_AA)
