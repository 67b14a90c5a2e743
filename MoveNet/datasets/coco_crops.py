"""Reader of the cropped-COCO format written by scripts/make_coco_data_17keypooints.py:
`<root>/imgs/<name>.jpg` and `<root>/{train,val}2017.json`, a one-line JSON list of
{img_name, keypoints[51], center[2], bbox[4], other_centers[[x,y]..], other_keypoints[17][[x,y]..]}."""
import json
import os
from typing import Dict, List, Optional

import cv2
import numpy as np
from paddle.io import Dataset

from utils import UserError

from .label_maps import build_label_maps
from .transforms import DataAug

INTERPOLATIONS = [cv2.INTER_LINEAR, cv2.INTER_CUBIC, cv2.INTER_AREA, cv2.INTER_NEAREST, cv2.INTER_LANCZOS4]


def _check_points(value, where: str) -> None:
    arr = np.asarray(value, dtype=np.float64)
    if arr.size and (arr.ndim != 2 or arr.shape[1] != 2 or not np.isfinite(arr).all()):
        raise UserError(f'{where} must be a list of finite [x, y] pairs, fix the annotation file')


def validate_item(item: Dict, where: str, num_joints: int = 17) -> None:
    """Reject what would break or silently spoil the targets: missing keys, wrong lengths, NaN/inf,
    visibility outside {0,1,2}, a person without labelled keypoints."""
    for key in ('img_name', 'keypoints', 'center'):
        if key not in item:
            raise UserError(f"{where} lacks key '{key}', re-create the json with scripts/make_coco_crops.py")
    try:
        kps = np.asarray(item['keypoints'], dtype=np.float64)
        center = np.asarray(item['center'], dtype=np.float64)
    except (TypeError, ValueError):
        raise UserError(f'{where}: keypoints/center are not numbers, fix the annotation file')
    if kps.shape != (num_joints * 3,):
        raise UserError(f'{where}: keypoints has {kps.size} values, expected {num_joints * 3} '
                        f'(x, y, v for the {num_joints} COCO joints), fix the annotation file')
    if center.shape != (2,) or not np.isfinite(kps).all() or not np.isfinite(center).all():
        raise UserError(f'{where}: center must be [x, y] and all values finite (no NaN/inf), fix the annotation file')
    if not set(np.unique(kps[2::3])) <= {0, 1, 2}:
        raise UserError(f'{where}: keypoint visibility must be 0, 1 or 2, fix the annotation file')
    if not (kps[2::3] > 0).any():
        raise UserError(f'{where}: no labelled keypoint (all v = 0), drop this person from the json')
    xy = kps.reshape(-1, 3)[kps[2::3] > 0, :2]
    if (xy < 0).any() or (xy > 1).any() or (center < 0).any() or (center > 1).any():
        raise UserError(f'{where}: labelled keypoints and center must be normalised to the crop (0..1), got '
                        f'{float(min(xy.min(), center.min())):.3g}..{float(max(xy.max(), center.max())):.3g}, '
                        're-create the json with scripts/make_coco_crops.py')
    if 'bbox' in item:
        try:
            bbox = np.asarray(item['bbox'], dtype=np.float64)
        except (TypeError, ValueError):
            bbox = np.zeros(0)
        if bbox.shape != (4,) or not np.isfinite(bbox).all():
            raise UserError(f'{where}: bbox must be 4 finite numbers [x0, y0, x1, y1], fix the annotation file')
    _check_points(item.get('other_centers', []), f'{where}.other_centers')
    others = item.get('other_keypoints', [])
    if len(others) not in (0, num_joints):
        raise UserError(f'{where}.other_keypoints has {len(others)} lists, expected {num_joints}, fix the json')
    for i, pts in enumerate(others):
        _check_points(pts, f'{where}.other_keypoints[{i}]')


def load_annotations(json_path: str, img_dir: str, num_joints: int = 17) -> List[Dict]:
    if not os.path.isfile(json_path):
        raise UserError(f'annotation file {json_path} not found, --dataset_root, point it at the folder with '
                        'train2017.json/val2017.json and imgs/ (see scripts/make_coco_crops.py)')
    try:
        with open(json_path) as f:
            items = json.load(f)
    except ValueError as e:  # JSONDecodeError, or a binary file (UnicodeDecodeError)
        raise UserError(f'{json_path} is not valid JSON ({str(e)[:80]}), re-create it with scripts/make_coco_crops.py')
    if not isinstance(items, list) or not items:
        raise UserError(f'{json_path} must hold a non-empty JSON list of crops, re-create it')
    for i, item in enumerate(items):
        if not isinstance(item, dict):
            raise UserError(f'{json_path}[{i}] is not an object, re-create the file')
        validate_item(item, f'{json_path}[{i}]', num_joints)
        img = os.path.join(img_dir, str(item['img_name']))
        if not os.path.isfile(img):
            raise UserError(f'image {img} of {json_path}[{i}] not found, --dataset_root, check that imgs/ holds the '
                            'crops')
        if os.path.getsize(img) == 0:
            raise UserError(f'image {img} of {json_path}[{i}] is an empty file, --dataset_root, re-create the crops '
                            'with scripts/make_coco_crops.py')
    return items


def read_image(path: str, img_size: int, interpolation: int = cv2.INTER_LINEAR) -> np.ndarray:
    """-> RGB uint8 [img_size, img_size, 3]."""
    img = cv2.imread(path, cv2.IMREAD_COLOR)
    if img is None:
        raise UserError(f'cannot decode image {path}, --dataset_root, replace the file or drop its entry from the json')
    return cv2.resize(cv2.cvtColor(img, cv2.COLOR_BGR2RGB), (img_size, img_size), interpolation=interpolation)


class CocoCropDataset(Dataset):
    """-> (img [3,S,S] float32 0-255 RGB, labels [86,S/4,S/4], kps_mask [17], keypoints [17,3], box area [1]).

    Randomness (resize interpolation, augmentation) comes from a generator seeded by (seed, epoch, index), so
    results do not depend on worker count and a resumed run repeats the uninterrupted one."""

    def __init__(self, root: str, split: str = 'train', img_size: int = 192, augment: bool = False,
                 seed: int = 42, num_joints: int = 17, items: Optional[List[Dict]] = None):
        self.img_dir = os.path.join(root, 'imgs')
        self.json_path = os.path.join(root, f'{split}2017.json')
        self.items = items if items is not None else load_annotations(self.json_path, self.img_dir, num_joints)
        self.img_size, self.num_joints, self.seed, self.epoch = img_size, num_joints, seed, 0
        self.augment = DataAug() if augment else None

    def sample_name(self, index: int) -> str:
        """The sample's image and annotation entry, for error lines (utils/fail_fast.GuardedDataset)."""
        return f"{os.path.join(self.img_dir, str(self.items[index]['img_name']))} ({self.json_path}[{index}])"

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index: int):
        return self.load_sample(index, np.random.default_rng([self.seed, self.epoch, index]))

    def load_sample(self, index: int, rng):
        """One sample with the random draws taken from `rng` (numpy Generator API: random, uniform, integers,
        choice): the interpolation of the resize, then (training) the DataAug draws. The alignment's step 0 feeds
        fixed draws through this same function."""
        item = dict(self.items[index])
        item.setdefault('other_centers', [])
        if not item.get('other_keypoints'):
            item['other_keypoints'] = [[] for _ in range(self.num_joints)]
        img = read_image(os.path.join(self.img_dir, item['img_name']), self.img_size,
                         INTERPOLATIONS[int(rng.integers(len(INTERPOLATIONS)))])
        if self.augment is not None:
            img, item = self.augment(img, item, rng)
        labels, kps_mask = build_label_maps(item['keypoints'], item['center'], item['other_centers'],
                                            item['other_keypoints'], self.img_size)
        kps = np.asarray(item['keypoints'], dtype=np.float32).reshape(-1, 3)
        bbox = item.get('bbox', [0, 0, 1, 1])
        area = np.float32((bbox[2] - bbox[0]) * (bbox[3] - bbox[1]) * self.img_size ** 2)
        return img.transpose(2, 0, 1).astype(np.float32), labels, kps_mask, kps, np.array([area], np.float32)
