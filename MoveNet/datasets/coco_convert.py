"""COCO person_keypoints_*.json + images -> square person crops + the one-line JSON list of the original
scripts/make_coco_data_17keypooints.py (<= 3 persons per image, no crowd, >= 8 labelled keypoints)."""
import json
import os
from collections import OrderedDict
from typing import Dict, List

import cv2
import numpy as np
from tqdm import tqdm

from utils import UserError
from utils.atomic_io import write_file_atomic


def _normalise(x: float, y: float, pad: tuple, box: tuple) -> List[float]:
    (pad_left, pad_top), (x0, y0, w, h) = pad, box
    return [(x + pad_left - x0) / w, (y + pad_top - y0) / h]


def crop_person(img: np.ndarray, ann: Dict, others: List[Dict], expand_ratio: float = 1.0):
    """-> (crop image, label dict) for one annotation, or None when it is filtered out."""
    h, w = img.shape[:2]
    bbox = [int(v) for v in ann['bbox']]
    kps = np.asarray(ann['keypoints'], dtype=np.float64).reshape(17, 3)
    vis = kps[kps[:, 2] > 0]
    if len(vis) < 8:
        return None
    # the crop box is the union of the bbox and the labelled keypoints, squared with side (w + h) * ratio
    x0, x1 = min(bbox[0], vis[:, 0].min()), max(bbox[0] + bbox[2], vis[:, 0].max())
    y0, y1 = min(bbox[1], vis[:, 1].min()), max(bbox[1] + bbox[3], vis[:, 1].max())
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    half = ((x1 - x0) + (y1 - y0)) / 2 * expand_ratio
    nx0, nx1, ny0, ny1 = int(cx - half), int(cx + half), int(cy - half), int(cy + half)
    pad_left = -nx0 + 1 if nx0 < 0 else 0
    pad_top = -ny0 + 1 if ny0 < 0 else 0
    pad_right = nx1 - w + 1 if nx1 > w else 0
    pad_bottom = ny1 - h + 1 if ny1 > h else 0
    canvas = np.zeros((h + pad_top + pad_bottom, w + pad_left + pad_right, 3), dtype=img.dtype)
    canvas[pad_top:pad_top + h, pad_left:pad_left + w] = img
    nx0, nx1, ny0, ny1 = nx0 + pad_left, nx1 + pad_left, ny0 + pad_top, ny1 + pad_top
    pad, box = (pad_left, pad_top), (nx0, ny0, nx1 - nx0, ny1 - ny0)
    crop = canvas[ny0:ny1, nx0:nx1]
    b = _normalise(bbox[0], bbox[1], pad, box) + _normalise(bbox[0] + bbox[2], bbox[1] + bbox[3], pad, box)
    keypoints = []
    for x, y, v in kps:
        keypoints += _normalise(int(x), int(y), pad, box) + [int(v)]
    other_centers, other_keypoints = [], [[] for _ in range(17)]
    for o in others:
        ob = [int(v) for v in o['bbox']]
        # the original normalises the other box's corners, then averages them (same float rounding here)
        ob = _normalise(ob[0], ob[1], pad, box) + _normalise(ob[0] + ob[2], ob[1] + ob[3], pad, box)
        oc = [(ob[0] + ob[2]) / 2, (ob[1] + ob[3]) / 2]
        if 0 < oc[0] < 1 and 0 < oc[1] < 1:
            other_centers.append(oc)
        for k, (x, y, v) in enumerate(np.asarray(o['keypoints'], dtype=np.float64).reshape(17, 3)):
            p = _normalise(x, y, pad, box)
            if v != 0 and 0 < p[0] < 1 and 0 < p[1] < 1:
                other_keypoints[k].append(p)
    label = {'keypoints': keypoints, 'center': [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2], 'bbox': b,
             'other_centers': other_centers, 'other_keypoints': other_keypoints}
    return crop, label


def _numbers(value, n: int) -> bool:
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return False
    return arr.shape == (n,) and bool(np.isfinite(arr).all())


def load_coco(ann_file: str) -> Dict:
    """A COCO person_keypoints json, checked before anything is written: 'images' with id/file_name,
    'annotations' with a known image_id, a 4-number bbox and 51 finite keypoint numbers (x, y, v for 17 joints)."""
    fix = 'pass a COCO person_keypoints_*.json'
    if not os.path.isfile(ann_file):
        raise UserError(f'{ann_file} not found, --ann_file/--coco_root, {fix}')
    try:
        with open(ann_file, encoding='utf-8') as f:
            data = json.load(f)
    except (ValueError, UnicodeDecodeError) as e:
        raise UserError(f'{ann_file} is not valid JSON ({str(e)[:80]}), --ann_file/--coco_root, {fix}')
    if not isinstance(data, dict) or not all(isinstance(data.get(k), list) for k in ('images', 'annotations')):
        raise UserError(f"{ann_file} lacks the 'images' and 'annotations' lists, --ann_file/--coco_root, {fix}")
    ids = set()
    for i, im in enumerate(data['images']):
        if not isinstance(im, dict) or 'id' not in im or not isinstance(im.get('file_name'), str):
            raise UserError(f"{ann_file} images[{i}] lacks 'id' or 'file_name', --ann_file/--coco_root, {fix}")
        ids.add(im['id'])
    for i, ann in enumerate(data['annotations']):
        where = f'{ann_file} annotations[{i}]'
        if not isinstance(ann, dict) or ann.get('image_id') not in ids:
            raise UserError(f"{where} has no image_id of 'images', --ann_file/--coco_root, {fix}")
        if 'keypoints' not in ann or not _numbers(ann['keypoints'], 51):
            raise UserError(f"{where} lacks 'keypoints' (51 finite numbers: x, y, v for the 17 COCO joints), "
                            f'--ann_file/--coco_root, pass a person_keypoints_*.json, not instances_*.json')
        if not _numbers(ann.get('bbox'), 4):
            raise UserError(f"{where} lacks a 'bbox' of 4 finite numbers, --ann_file/--coco_root, {fix}")
    return data


def convert_coco(img_dir: str, ann_file: str, out_json: str, out_img_dir: str, expand_ratio: float = 1.0) -> int:
    """Write the crops into out_img_dir and the label list into out_json (atomically, last); returns the number of
    crops. The json and the images it needs are checked first."""
    data = load_coco(ann_file)
    names = {im['id']: im['file_name'] for im in data['images']}
    by_image: Dict[str, List[Dict]] = OrderedDict()
    for ann in data['annotations']:
        by_image.setdefault(names[ann['image_id']], []).append(ann)
    missing = [n for n, anns in by_image.items() if len(anns) <= 3 and not os.path.isfile(os.path.join(img_dir, n))]
    if missing:
        raise UserError(f'{len(missing)} images of {ann_file} not found in {img_dir} (e.g. {missing[0]}), --img_dir/'
                        '--coco_root, put the COCO images there')
    os.makedirs(out_img_dir, exist_ok=True)
    out = []
    for name, anns in tqdm(by_image.items(), desc=os.path.basename(ann_file), disable=None):  # no bar in logs
        if len(anns) > 3:  # crowded images are skipped
            continue
        img = cv2.imread(os.path.join(img_dir, name))
        if img is None:
            raise UserError(f'image {os.path.join(img_dir, name)} cannot be decoded, --img_dir, replace the file')
        for idx, ann in enumerate(anns):
            if ann.get('iscrowd', 0) != 0:
                continue
            others = [a for i, a in enumerate(anns) if i != idx and a.get('iscrowd', 0) == 0]
            res = crop_person(img, ann, others, expand_ratio)
            if res is None:
                continue
            crop, label = res
            save_name = f'{os.path.splitext(name)[0]}_{idx}.jpg'
            write_file_atomic(os.path.join(out_img_dir, save_name), cv2.imencode('.jpg', crop)[1].tobytes())
            out.append({'img_name': save_name, **label})
    write_file_atomic(out_json, json.dumps(out).encode())  # one-line list, as the original
    return len(out)
