"""Seeded inputs for steps 0-5, written under OUT/data (common.DATA):

* random torch state dicts of torch_ref's MoveNet in both official forms (current: ModuleList conv2; old: one
  shared conv2), with BN statistics from a calibration pass and random BN affine parameters, saved with
  torch.save and converted by MoveNet's own tools/convert_weights.py (its main(), the user's command);
* fake images [2,3,192,192] and fake labels (torch_ref's label maps of two persons) with fake outputs around
  them (steps 2-5);
* step 0: a small cropped-COCO dataset in the real format (imgs/*.jpg + val2017.json, as
  scripts/make_coco_data_17keypooints.py writes it) and the fixed random draws fed to both pipelines."""
import json
import os
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

import cv2
import numpy as np

from common import (
    DATA,
    PADDLE_WEIGHTS,
    PADDLE_WEIGHTS_OLD,
    STEP0_COCO,
    STEP0_PARAMS,
    STEP0_ROOT,
    TORCH_WEIGHTS,
    TORCH_WEIGHTS_OLD,
    data,
    torch_side,
)


def random_torch_model(old_form: bool, seed: int):
    torch = torch_side()
    from torch_ref.movenet import MoveNet
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    model = MoveNet(old_form=old_form)
    for m in model.modules():  # BN statistics from a calibration pass (activations stay O(1)), random affine
        if isinstance(m, torch.nn.BatchNorm2d):
            m.momentum = None  # cumulative average over the calibration pass
            m.reset_running_stats()
            m.weight.data.copy_(torch.from_numpy(rng.uniform(0.5, 1.5, m.num_features)))
            m.bias.data.copy_(torch.from_numpy(rng.normal(0, 0.1, m.num_features)))
    model.train()
    with torch.no_grad():
        model(torch.from_numpy(rng.uniform(0, 255, (4, 3, 192, 192)).astype(np.float32)))
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.momentum = 0.1  # back to the default, for step 5
    return model.eval()


def convert(src: str, dst: str) -> None:
    """MoveNet/tools/convert_weights.py, run in-process as `python tools/convert_weights.py --src .. --dst ..`."""
    from tools.convert_weights import main
    main(['--src', src, '--dst', dst])


def fake_labels(rng):
    """Labels [2,86,48,48] float64 and kps_mask [2,17] from torch_ref's label maps (data_tools.py semantics):
    two persons with some unlabelled joints, another person's centre and keypoint, centres left and right."""
    from torch_ref.data import make_labels
    labels, masks = [], []
    for b in range(2):
        kps = np.concatenate([rng.uniform(0.2, 0.8, (17, 2)), rng.choice([0, 2], (17, 1), p=[0.15, 0.85])], 1)
        kps[0, 2] = 2
        item = {'keypoints': kps.reshape(-1).tolist(), 'center': [0.45 + 0.1 * b, 0.5], 'other_centers': [[0.1, 0.2]],
                'other_keypoints': [[[0.15, 0.25]]] + [[] for _ in range(16)]}
        lab, mask = make_labels(item)
        labels.append(lab)
        masks.append(mask)
    return np.stack(labels).astype(np.float64), np.stack(masks).astype(np.float64)


def fake_outputs(labels, rng):
    """Network-like outputs near the labels: some joints decode right, some wrong, one joint below the score
    threshold everywhere (decoded as -1), regressions with fractional parts around +-0.5 (int() truncation)."""
    out = labels + rng.normal(0, 0.05, labels.shape)
    out[:, :18] = np.clip(out[:, :18] + rng.uniform(0, 0.3, out[:, :18].shape) ** 3, 0, 1)  # sigmoid heads
    out[:, 3] = np.minimum(out[:, 3], 0.09)  # joint 3 below hm_th = 0.1 everywhere
    out[:, 18:52] += rng.normal(0, 1.0, out[:, 18:52].shape)
    out[:, 18:52:2] += rng.choice([-0.49, 0.49, 0.0], out[:, 18:52:2].shape)
    return out


# ----------------------------------------------------------------------------------------------- step 0 data
def _stick_figure(cx, cy, scale):
    """17 COCO joints of a standing figure around (cx, cy), normalised."""
    pts = np.array([[0, -.45], [-.04, -.49], [.04, -.49], [-.09, -.47], [.09, -.47], [-.17, -.3], [.17, -.3],
                    [-.25, -.1], [.25, -.1], [-.3, .08], [.3, .08], [-.11, .05], [.11, .05], [-.12, .28], [.12, .28],
                    [-.13, .48], [.13, .48]])
    return pts * scale + np.array([cx, cy])


def _item(name, pts, vis, center, others_c=(), others_k=None):
    kps = np.concatenate([pts, np.asarray(vis, np.float64)[:, None]], 1)
    kps[kps[:, 2] == 0, :2] = 0.0  # COCO writes (0, 0, 0) for unlabelled joints
    xs, ys = kps[kps[:, 2] > 0, 0], kps[kps[:, 2] > 0, 1]
    return {'img_name': name, 'keypoints': [float(v) for v in kps.reshape(-1)], 'center': list(center),
            'bbox': [float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max())],
            'other_centers': [list(c) for c in others_c],
            'other_keypoints': others_k if others_k is not None else [[] for _ in range(17)]}


def step0_dataset(rng):
    """Four crops: a big single person (sigma 7), three persons with unlabelled joints and a keypoint at x = 1.0
    exactly (edge fold, offset 1.0), a small person in the upper left (sigma 3, the sign-flipped regressions), and
    one with keypoints outside [0, 1] (empty heatmaps, Padding keeping v)."""
    a = _item('000000000001_0.jpg', _stick_figure(0.5, 0.5, 0.9), [2] * 17, [0.5, 0.52])
    pts = _stick_figure(0.55, 0.5, 0.8)
    pts[10] = [1.0, 0.62]
    others_k = [[] for _ in range(17)]
    others_k[0], others_k[3] = [[0.12, 0.15]], [[0.2, 0.1]]
    others_k[5], others_k[16] = [[0.08, 0.3], [0.9, 0.85]], [[0.95, 0.99]]
    b = _item('000000000002_1.jpg', pts, [2] * 9 + [0, 1] + [2] * 4 + [0, 2], [0.55, 0.45],
              [[0.1, 0.2], [0.85, 0.9]], others_k)
    c = _item('000000000003_0.jpg', _stick_figure(0.3, 0.3, 0.35), [2] * 5 + [1] * 7 + [0] * 5, [0.3, 0.31])
    pts = _stick_figure(0.75, 0.55, 0.6)
    pts[10], pts[0], pts[15] = [1.02, 0.6], [0.74, -0.01], [1.3, 0.97]  # x > 1 stays outside after Padding
    d = _item('000000000004_2.jpg', pts, [2] * 17, [0.9, 0.6], [[0.3, 0.7]],
              [[[0.7, 0.02]]] + [[] for _ in range(16)])
    items = [a, b, c, d]
    os.makedirs(os.path.join(STEP0_ROOT, 'imgs'), exist_ok=True)
    for item, side in zip(items, (160, 211, 97, 300)):
        img = cv2.GaussianBlur(rng.integers(0, 256, (side, side, 3)).astype(np.uint8), (0, 0), side / 40)
        img = cv2.normalize(img, None, 0, 255, cv2.NORM_MINMAX)
        kps = np.asarray(item['keypoints']).reshape(-1, 3)
        for x, y, v in kps:
            if v > 0:
                cv2.circle(img, (int(x * side), int(y * side)), max(2, side // 40), (255, 255, 255), -1)
        cv2.imwrite(os.path.join(STEP0_ROOT, 'imgs', item['img_name']), img)
    with open(os.path.join(STEP0_ROOT, 'val2017.json'), 'w') as f:
        json.dump(items, f)


def _coco_person(ann_id, img_id, x0, y0, scale, n_labelled=17, crowd=0):
    """A COCO annotation: integer keypoints of a stick figure (the first n_labelled labelled), a float bbox."""
    pts = _stick_figure(0, 0, scale) + np.array([x0, y0])
    kps = []
    for k, (x, y) in enumerate(pts):
        kps += [int(x), int(y), 2] if k < n_labelled else [0, 0, 0]
    xs, ys = pts[:, 0], pts[:, 1]
    bbox = [float(xs.min()) - 3.5, float(ys.min()) - 2.25, float(np.ptp(xs)) + 6.0, float(np.ptp(ys)) + 4.5]
    return {'id': ann_id, 'image_id': img_id, 'category_id': 1, 'iscrowd': crowd, 'bbox': bbox,
            'keypoints': kps, 'num_keypoints': n_labelled}


def step0_coco(rng):
    """Raw COCO input of scripts/make_coco_data_17keypooints.py: image 0 with a person whose square crop leaves the
    image (padding) and a 7-keypoint person (filtered, but still an 'other' person); image 1 with a crowd annotation
    and two persons; image 2 with 4 annotations (skipped)."""
    os.makedirs(os.path.join(STEP0_COCO, 'val2017'), exist_ok=True)
    images = [{'id': 1, 'file_name': '000000000101.jpg', 'width': 320, 'height': 240},
              {'id': 2, 'file_name': '000000000102.jpg', 'width': 200, 'height': 260},
              {'id': 3, 'file_name': '000000000103.jpg', 'width': 300, 'height': 300}]
    anns = [_coco_person(11, 1, 60, 120, 180), _coco_person(12, 1, 230, 110, 150, n_labelled=7),
            _coco_person(21, 2, 100, 130, 200, crowd=1), _coco_person(22, 2, 70, 140, 170),
            _coco_person(23, 2, 140, 120, 160, n_labelled=12)]
    anns += [_coco_person(31 + i, 3, 60 + 60 * i, 150, 120) for i in range(4)]
    for im in images:
        img = cv2.GaussianBlur(rng.integers(0, 256, (im['height'], im['width'], 3)).astype(np.uint8), (0, 0), 6)
        cv2.imwrite(os.path.join(STEP0_COCO, 'val2017', im['file_name']), img)
    with open(os.path.join(STEP0_COCO, 'person_keypoints_val2017.json'), 'w') as f:
        json.dump({'images': images, 'annotations': anns, 'categories': [{'id': 1, 'name': 'person'}]}, f)


def step0_draws(rng):
    """The fixed random draws (each within the range the official draws it from). Keys follow
    torch_ref.augment.data_aug; 'jitter' names a saved pattern."""
    for name in ('op', 't0', 't4'):
        np.save(data(f'step0_jitter_{name}.npy'), rng.random((192, 192, 3)))
    color = {'contrast': 1.13, 'brightness': -0.07, 'hue': 0.06, 'saturation': 0.86}
    affine_rand = rng.random((3, 2)).tolist()
    ops = {  # name: (item index, op, draws)
        'mirror': (1, 'mirror', {}),
        'padding': (3, 'padding', {'pad_rand': 0.63}),
        'crop_single': (0, 'crop', {'crop_ratio': 0.2, 'crop_x': 25, 'crop_y': 33}),
        'crop_multi': (1, 'crop', {'crop_ratio': 0.17}),
        'move': (0, 'move', {'move_ratio': 0.15, 'move_x': -20, 'move_y': 17}),
        'rotate': (1, 'rotate', {'angle': 17.3}),
        'rotate_edge': (3, 'rotate', {'angle': -9.8}),
        'affine': (0, 'affine', {'affine_rand': affine_rand}),
        'color': (0, 'color', color),
        'jitter': (0, 'jitter', {'jitter': 'jitter_op'}),
        'aid': (1, 'aid', {'aid_size': 0.025, 'aid_id': 4, 'aid_color': 77}),
    }
    no = {'u_color': 0.9, 'u_jitter': 0.9, 'u_aid': 0.9}
    train = {  # name: (item index, interpolation index, DataAug draws)
        't0_mirror_crop_color_jitter_aid': (1, 2, {'u_mirror': 0.1, 'rd': 0.3, 'u_pad': 0.9, 'crop_ratio': 0.15,
                                                   'u_color': 0.2, **color, 'u_jitter': 0.1, 'jitter': 'jitter_t0',
                                                   'u_aid': 0.05, 'aid_size': 0.03, 'aid_id': 2, 'aid_color': 200}),
        't1_padding': (3, 0, {'u_mirror': 0.7, 'rd': 0.1, 'u_pad': 0.1, 'pad_rand': 0.25, **no}),
        't2_mirror_rotate_aid': (2, 4, {'u_mirror': 0.2, 'rd': 0.6, 'u_affine': 0.8, 'angle': -21.5, 'u_color': 0.5,
                                        'u_jitter': 0.45, 'u_aid': 0.1, 'aid_size': 0.02, 'aid_id': 1,
                                        'aid_color': 3}),
        't3_affine_color': (0, 1, {'u_mirror': 0.9, 'rd': 0.55, 'u_affine': 0.3, 'affine_rand': affine_rand,
                                   'u_color': 0.05, 'contrast': 0.85, 'brightness': 0.15, 'hue': -0.09,
                                   'saturation': 1.17, 'u_jitter': 0.8, 'u_aid': 0.8}),
        't4_move_jitter': (0, 3, {'u_mirror': 0.4, 'rd': 0.7, 'u_move': 0.2, 'move_ratio': 0.18, 'move_x': 30,
                                  'move_y': -25, 'u_color': 0.6, 'u_jitter': 0.3, 'jitter': 'jitter_t4',
                                  'u_aid': 0.5}),
        't5_crop_reverted': (2, 1, {'u_mirror': 0.8, 'rd': 0.45, 'u_pad': 0.5, 'crop_ratio': 0.3, 'crop_x': 57,
                                    'crop_y': 57, **no}),
        't6_affine_skipped_others': (1, 2, {'u_mirror': 0.6, 'rd': 0.6, 'u_affine': 0.5, 'u_color': 0.7,
                                            'u_jitter': 0.7, 'u_aid': 0.2, 'aid_size': 0.029, 'aid_id': 0,
                                            'aid_color': 128}),
        't7_move_skipped_others': (1, 3, {'u_mirror': 0.3, 'rd': 0.75, **no}),
    }
    val = {f'val{i}_interp{k}': (i, k) for i, k in ((0, 0), (1, 1), (2, 2), (3, 3), (0, 4))}
    with open(STEP0_PARAMS, 'w') as f:
        json.dump({'val': val, 'ops': ops, 'train': train, 'op_interp': 0}, f, indent=1)


def main():
    torch = torch_side()
    rng = np.random.default_rng(0)
    os.makedirs(DATA, exist_ok=True)
    torch.save(random_torch_model(False, 0).state_dict(), TORCH_WEIGHTS)
    torch.save(random_torch_model(True, 1).state_dict(), TORCH_WEIGHTS_OLD)
    convert(TORCH_WEIGHTS, PADDLE_WEIGHTS)
    convert(TORCH_WEIGHTS_OLD, PADDLE_WEIGHTS_OLD)
    np.save(data('fake_input.npy'), rng.uniform(0, 255, (2, 3, 192, 192)).astype(np.float32))
    labels, mask = fake_labels(rng)
    np.save(data('fake_labels.npy'), labels)
    np.save(data('fake_mask.npy'), mask)
    np.save(data('fake_outputs.npy'), fake_outputs(labels, rng))
    step0_dataset(rng)
    step0_coco(rng)
    step0_draws(rng)


if __name__ == '__main__':
    main()
