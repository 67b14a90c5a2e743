"""Mini data set in the real format: synthetic images of articulated stick-figure persons (background clutter,
sometimes a second, smaller person) with a COCO person_keypoints json, then run through the real conversion
(datasets/coco_convert.py, as scripts/make_coco_crops.py) into <out_dir>/cropped/; and sets of whole images for
inference. The command line is tools/make_mini_data.py.

make_mini writes <out_dir>/coco/{train2017,val2017}/*.jpg, <out_dir>/coco/annotations/person_keypoints_*.json,
<out_dir>/cropped/{imgs/,train2017.json,val2017.json}, <out_dir>/predict_example.jpg and a short
<out_dir>/predict_example.avi; make_infer_set writes N whole images (one to three persons) into a folder."""
import json
import math
import os
import shutil
from typing import Dict, List, Optional, Tuple

import cv2
import numpy as np

from datasets.coco_convert import convert_coco

KEYPOINT_NAMES = ['nose', 'left_eye', 'right_eye', 'left_ear', 'right_ear', 'left_shoulder', 'right_shoulder',
                  'left_elbow', 'right_elbow', 'left_wrist', 'right_wrist', 'left_hip', 'right_hip', 'left_knee',
                  'right_knee', 'left_ankle', 'right_ankle']
SKELETON = [[16, 14], [14, 12], [17, 15], [15, 13], [12, 13], [6, 12], [7, 13], [6, 7], [6, 8], [7, 9], [8, 10],
            [9, 11], [2, 3], [1, 2], [1, 3], [2, 4], [3, 5], [4, 6], [5, 7]]  # COCO, 1-based


def _rot(v: np.ndarray, angle: float) -> np.ndarray:
    c, s = math.cos(angle), math.sin(angle)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


def stick_pose(rng: np.random.Generator, hip: np.ndarray, height: float) -> np.ndarray:
    """17 COCO keypoints [17,2] (pixels) of a front-facing figure: its left side on the image's right."""
    tilt = rng.uniform(-0.25, 0.25)
    up = _rot(np.array([0.0, -1.0]), tilt)
    side = _rot(np.array([1.0, 0.0]), tilt)
    neck = hip + up * 0.3 * height
    nose = neck + up * 0.12 * height
    p = np.zeros((17, 2))
    p[0] = nose
    p[1], p[2] = nose + side * 0.025 * height + up * 0.02 * height, nose - side * 0.025 * height + up * 0.02 * height
    p[3], p[4] = nose + side * 0.05 * height, nose - side * 0.05 * height
    for sgn, (sh, el, wr, hp, kn, an) in ((1, (5, 7, 9, 11, 13, 15)), (-1, (6, 8, 10, 12, 14, 16))):
        p[sh] = neck + side * sgn * 0.11 * height
        a1 = tilt + sgn * rng.uniform(-0.3, 2.6)  # upper arm from hanging down, outwards
        p[el] = p[sh] + _rot(np.array([0.0, 1.0]), -a1) * 0.16 * height
        p[wr] = p[el] + _rot(np.array([0.0, 1.0]), -(a1 + sgn * rng.uniform(-0.3, 1.8))) * 0.15 * height
        p[hp] = hip + side * sgn * 0.07 * height
        a2 = tilt + sgn * rng.uniform(-0.15, 0.6)
        p[kn] = p[hp] + _rot(np.array([0.0, 1.0]), -a2) * 0.24 * height
        p[an] = p[kn] + _rot(np.array([0.0, 1.0]), -(a2 + sgn * rng.uniform(-0.6, 0.3))) * 0.23 * height
    return p


def draw_person(img: np.ndarray, p: np.ndarray, height: float, rng: np.random.Generator) -> None:
    thick = max(2, int(height * 0.035))
    body = tuple(int(c) for c in rng.integers(120, 256, 3))
    limb = tuple(int(c) for c in rng.integers(0, 256, 3))
    pts = lambda i: (int(p[i][0]), int(p[i][1]))  # noqa: E731
    cv2.line(img, pts(5), pts(6), body, thick)
    cv2.line(img, pts(11), pts(12), body, thick)
    for a, b in ((5, 11), (6, 12)):
        cv2.line(img, pts(a), pts(b), body, thick)
    for a, b in ((5, 7), (7, 9), (6, 8), (8, 10), (11, 13), (13, 15), (12, 14), (14, 16)):
        cv2.line(img, pts(a), pts(b), limb, thick)
    cv2.circle(img, pts(0), max(3, int(height * 0.06)), body, -1)
    for i in range(1, 5):
        cv2.circle(img, pts(i), max(1, thick // 2), (20, 20, 20), -1)
    for i in range(5, 17):
        cv2.circle(img, pts(i), thick, (255 - limb[0], 255 - limb[1], 255 - limb[2]), -1)


def make_image(rng: np.random.Generator) -> Tuple[np.ndarray, List[np.ndarray], List[float]]:
    w, h = int(rng.integers(200, 280)), int(rng.integers(240, 300))
    img = np.clip(rng.normal(rng.uniform(40, 200), 20, (h, w, 3)), 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(3, 8))):  # clutter
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        x0, y0 = int(rng.integers(0, w)), int(rng.integers(0, h))
        if rng.random() < 0.5:
            cv2.rectangle(img, (x0, y0), (x0 + int(rng.integers(10, 60)), y0 + int(rng.integers(10, 60))), color, -1)
        else:
            cv2.line(img, (x0, y0), (int(rng.integers(0, w)), int(rng.integers(0, h))), color, int(rng.integers(1, 4)))
    persons, heights = [], []
    if rng.random() < 0.35:  # a second, smaller person beside the main one
        hs = rng.uniform(0.3, 0.45) * h
        hip = np.array([rng.choice([0.15, 0.85]) * w, rng.uniform(0.5, 0.7) * h])
        persons.append(stick_pose(rng, hip, hs))
        heights.append(hs)
    hm = rng.uniform(0.6, 0.85) * h
    hip = np.array([rng.uniform(0.4, 0.6) * w, h * rng.uniform(0.5, 0.58)])
    persons.append(stick_pose(rng, hip, hm))
    heights.append(hm)
    for p, ph in zip(persons, heights):
        draw_person(img, p, ph, rng)
    return img, persons, heights


def _annotation(p: np.ndarray, height: float, w: int, h: int, img_id: int, ann_id: int) -> Dict:
    inside = (p[:, 0] >= 0) & (p[:, 0] < w) & (p[:, 1] >= 0) & (p[:, 1] < h)
    kps = np.concatenate([np.where(inside[:, None], np.round(p, 1), 0), np.where(inside, 2, 0)[:, None]], 1)
    m = 0.06 * height
    x0, y0 = max(0.0, p[inside, 0].min() - m), max(0.0, p[inside, 1].min() - 2 * m)
    x1, y1 = min(w - 1.0, p[inside, 0].max() + m), min(h - 1.0, p[inside, 1].max() + m)
    return {'id': ann_id, 'image_id': img_id, 'category_id': 1, 'iscrowd': 0, 'num_keypoints': int(inside.sum()),
            'keypoints': kps.reshape(-1).tolist(), 'bbox': [x0, y0, x1 - x0, y1 - y0],
            'area': float((x1 - x0) * (y1 - y0))}


def write_split(root: str, split: str, num: int, rng: np.random.Generator, first_id: int) -> str:
    img_dir = os.path.join(root, f'{split}2017')
    os.makedirs(img_dir, exist_ok=True)
    images, anns = [], []
    for i in range(num):
        img_id = first_id + i
        img, persons, heights = make_image(rng)
        name = f'{img_id:012d}.jpg'
        cv2.imwrite(os.path.join(img_dir, name), img, [cv2.IMWRITE_JPEG_QUALITY, 95])
        images.append({'id': img_id, 'file_name': name, 'width': img.shape[1], 'height': img.shape[0]})
        for p, ph in zip(persons, heights):
            anns.append(_annotation(p, ph, img.shape[1], img.shape[0], img_id, len(anns) + first_id * 10))
    ann_file = os.path.join(root, 'annotations', f'person_keypoints_{split}2017.json')
    os.makedirs(os.path.dirname(ann_file), exist_ok=True)
    with open(ann_file, 'w') as f:
        json.dump({'images': images, 'annotations': anns, 'categories': [
            {'id': 1, 'name': 'person', 'supercategory': 'person', 'keypoints': KEYPOINT_NAMES,
             'skeleton': SKELETON}]}, f)
    return ann_file


def make_mini(out_dir: str, num_train: int = 40, num_val: int = 12, seed: int = 0) -> str:
    """Write the mini COCO set and its crops; returns <out_dir>/cropped (the --dataset_root)."""
    shutil.rmtree(out_dir, ignore_errors=True)
    rng = np.random.default_rng(seed)
    coco, cropped = os.path.join(out_dir, 'coco'), os.path.join(out_dir, 'cropped')
    for split, num, first in (('train', num_train, 1), ('val', num_val, 100000)):
        ann_file = write_split(coco, split, num, rng, first)
        convert_coco(os.path.join(coco, f'{split}2017'), ann_file, os.path.join(cropped, f'{split}2017.json'),
                     os.path.join(cropped, 'imgs'))
    with open(os.path.join(cropped, 'val2017.json')) as f:
        first_val = json.load(f)[0]['img_name']
    shutil.copy(os.path.join(cropped, 'imgs', first_val), os.path.join(out_dir, 'predict_example.jpg'))
    writer = cv2.VideoWriter(os.path.join(out_dir, 'predict_example.avi'), cv2.VideoWriter_fourcc(*'MJPG'), 10,
                             (192, 192))
    for _ in range(6):
        img, _, _ = make_image(rng)
        writer.write(cv2.resize(img, (192, 192)))
    writer.release()
    return cropped


def make_infer_set(out_dir: str, num: int, seed: int = 1, size: Optional[int] = None, ext: str = '.jpg') -> str:
    """num whole stick-figure images (their own sizes, or size x size) named infer_<i>.<ext> in out_dir (replaced);
    PNG is lossless, so its pixels are the same on every machine."""
    shutil.rmtree(out_dir, ignore_errors=True)
    os.makedirs(out_dir)
    rng = np.random.default_rng(seed)
    for i in range(num):
        img, _, _ = make_image(rng)
        if size:
            img = cv2.resize(img, (size, size), interpolation=cv2.INTER_AREA)
        cv2.imwrite(os.path.join(out_dir, f'infer_{i:04d}{ext}'), img)
    return out_dir
