import json
import os

import cv2
import numpy as np
import pytest

from datasets.coco_convert import convert_coco
from datasets.coco_crops import CocoCropDataset, load_annotations, validate_item
from utils import UserError


def _ann(i, img_id, x0, y0, n_vis=17, crowd=0):
    kps = []
    for k in range(17):
        kps += [x0 + 10 + k * 3, y0 + 10 + k * 5, 2 if k < n_vis else 0]
    return {'id': i, 'image_id': img_id, 'category_id': 1, 'iscrowd': crowd, 'bbox': [x0, y0, 60, 100],
            'keypoints': kps, 'num_keypoints': n_vis}


@pytest.fixture()
def coco(tmp_path):
    img_dir = tmp_path / 'imgs'
    img_dir.mkdir()
    images = [{'id': i, 'file_name': f'{i:04d}.jpg', 'width': 200, 'height': 160} for i in range(3)]
    for im in images:
        cv2.imwrite(str(img_dir / im['file_name']), np.full((160, 200, 3), 128, np.uint8))
    anns = [_ann(1, 0, 20, 30), _ann(2, 0, 120, 20, n_vis=7),  # image 0: one good person, one with 7 keypoints
            _ann(3, 1, 10, 10, crowd=1), _ann(4, 1, 100, 40)]  # image 1: a crowd annotation and a good person
    anns += [_ann(5 + k, 2, 10 * k, 10) for k in range(4)]  # image 2: 4 persons -> skipped
    path = tmp_path / 'person_keypoints_val2017.json'
    path.write_text(json.dumps({'images': images, 'annotations': anns}))
    return str(img_dir), str(path), tmp_path


def test_conversion_filters_and_format(coco):
    """scripts/make_coco_data_17keypooints.py main: > 3 annotations skipped, crowd skipped, < 8 labelled keypoints
    skipped; box = bbox U keypoints squared to side w + h; pad = -x0 + 1; file <img>_<annIdx>.jpg."""
    img_dir, ann_file, tmp = coco
    n = convert_coco(img_dir, ann_file, str(tmp / 'out' / 'val2017.json'), str(tmp / 'out' / 'imgs'))
    assert n == 2
    items = json.load(open(tmp / 'out' / 'val2017.json'))
    assert [it['img_name'] for it in items] == ['0000_0.jpg', '0001_1.jpg']
    it = items[0]
    # box = union of bbox (20..80, 30..130) and keypoints (30..78, 40..120): centre (50, 80), side 60 + 100 = 160
    crop = cv2.imread(str(tmp / 'out' / 'imgs' / '0000_0.jpg'))
    assert crop.shape[:2] == (160, 160)
    assert it['center'] == pytest.approx([0.5, 0.5], abs=0.01)
    assert it['bbox'][2] - it['bbox'][0] == pytest.approx(60 / 160)
    # the 7-keypoint person (x >= 130) lies at or beyond the crop's right edge: no other centre or keypoint
    assert len(it['other_keypoints']) == 17 and it['other_centers'] == []
    assert sum(len(p) for p in it['other_keypoints']) == 0
    # the crop leaves the image on the left (x0 = -30): padded by 31 px, so the nose (30, 40) lands at x = 60/160
    assert it['keypoints'][:3] == pytest.approx([(30 + 31 - 1) / 160, (40 - 0) / 160, 2])
    validate_item(it, 'item')


def test_conversion_keypoint_coordinates(coco):
    """scripts/make_coco_data_17keypooints.py main: own keypoints truncated to int pixels, (x + pad_left - new_x0)
    / new_w."""
    img_dir, ann_file, tmp = coco
    convert_coco(img_dir, ann_file, str(tmp / 'o.json'), str(tmp / 'o'))
    it = json.load(open(tmp / 'o.json'))[1]  # person 4 in image 1: box x 100..160, y 40..140 -> side 160
    # nx0 = int(130 - 80) = 50, ny0 = int(90 - 80) = 10; no padding needed on the left/top
    assert it['keypoints'][0] == pytest.approx((110 - 50) / 160) and it['keypoints'][1] == pytest.approx((50 - 10) / 160)


@pytest.mark.parametrize('mutate, msg', [
    (lambda it: it.pop('keypoints'), "lacks key 'keypoints'"),
    (lambda it: it.update(keypoints=it['keypoints'][:-3]), 'has 48 values'),
    (lambda it: it['keypoints'].__setitem__(0, float('nan')), 'finite'),
    (lambda it: it['keypoints'].__setitem__(2, 5), 'visibility'),
    (lambda it: it.update(keypoints=[0.5, 0.5, 0] * 17), 'no labelled keypoint'),
    (lambda it: it.update(other_keypoints=[[]] * 3), 'has 3 lists'),
])
def test_validator_errors(mutate, msg):
    it = {'img_name': 'a.jpg', 'keypoints': [0.5, 0.5, 2] * 17, 'center': [0.5, 0.5], 'other_centers': [],
          'other_keypoints': [[] for _ in range(17)]}
    mutate(it)
    with pytest.raises(UserError, match=msg):
        validate_item(it, 'x.json[0]')


def test_missing_image_and_bad_json(tmp_path):
    (tmp_path / 'imgs').mkdir()
    (tmp_path / 'val2017.json').write_text(json.dumps([{'img_name': 'nope.jpg', 'keypoints': [0.5, 0.5, 2] * 17,
                                                        'center': [0.5, 0.5]}]))
    with pytest.raises(UserError, match='nope.jpg'):
        load_annotations(str(tmp_path / 'val2017.json'), str(tmp_path / 'imgs'))
    (tmp_path / 'val2017.json').write_text('{not json')
    with pytest.raises(UserError, match='not valid JSON'):
        load_annotations(str(tmp_path / 'val2017.json'), str(tmp_path / 'imgs'))


def test_dataset_item_shapes_and_determinism(mini_root):
    ds = CocoCropDataset(mini_root, 'train', augment=True, seed=3)
    img, labels, mask, kps, area = ds[0]
    assert img.shape == (3, 192, 192) and img.dtype == np.float32 and img.max() <= 255
    assert labels.shape == (86, 48, 48) and mask.shape == (17,) and kps.shape == (17, 3) and area.shape == (1,)
    np.testing.assert_array_equal(ds[0][0], img)  # same (seed, epoch, index) -> same sample
    ds.set_epoch(1)
    assert not np.array_equal(ds[0][0], img)


def test_mini_data_is_real_format(mini_root):
    items = load_annotations(os.path.join(mini_root, 'val2017.json'), os.path.join(mini_root, 'imgs'))
    assert len(items) >= 12 and all(len(it['keypoints']) == 51 for it in items)
    assert any(it['other_centers'] for it in json.load(open(os.path.join(mini_root, 'train2017.json'))))
