"""The training augmentation of fire717/movenet.pytorch lib/data/data_augment.py, re-written (our own code) with
every random draw passed in explicitly, so that the alignment feeds both sides the same draws.

Labels are dicts {keypoints [51], center [2], other_centers [[x, y]..], other_keypoints [17][[x, y]..]}, normalised;
functions work on deep copies (the official mutates its argument, always a deepcopy made by DataAug)."""
from copy import deepcopy

import cv2
import numpy as np

# data_augment.py Mirror: the explicit keypoint list swaps (1,2), (3,4), ..., (15,16)
MIRROR_ORDER = [0, 2, 1, 4, 3, 6, 5, 8, 7, 10, 9, 12, 11, 14, 13, 16, 15]


def _outside(x, y):
    return x < 0 or x >= 1 or y < 0 or y >= 1


def _zero_outside_keypoints(keypoints):
    # Crop / Move / Rotate / Affine: a keypoint leaving [0, 1) gets v = 0 (Padding does not do this)
    for i in range(len(keypoints) // 3):
        if _outside(keypoints[i * 3], keypoints[i * 3 + 1]):
            keypoints[i * 3 + 2] = 0
    return keypoints


def mirror(img, label):
    """data_augment.py Mirror: x -> 1 - x everywhere, left/right joints swapped; other_keypoints is REVERSED as a
    whole list (joint 16's points become joint 0's), not swapped pair-wise (an official bug, kept)."""
    label = deepcopy(label)
    kps = list(label['keypoints'])
    for i in range(0, len(kps), 3):
        kps[i] = 1 - kps[i]
    label['keypoints'] = [v for j in MIRROR_ORDER for v in kps[j * 3:j * 3 + 3]]
    label['center'][0] = 1 - label['center'][0]
    for c in label['other_centers']:
        c[0] = 1 - c[0]
    for pts in label['other_keypoints']:
        for p in pts:
            p[0] = 1 - p[0]
    label['other_keypoints'] = label['other_keypoints'][::-1]
    return cv2.flip(img, 1), label


def padding(img, label, rand, max_pad_ratio=0.12):
    """data_augment.py Padding with pad_color (0,0,0); rand = its random.random() draw."""
    label = deepcopy(label)
    h, w = img.shape[:2]
    max_size = max(h, w)
    pad_ratio = (rand + 1) * max_pad_ratio / 2
    pad_size = int(max_size * pad_ratio)
    new_size = max_size + pad_size * 2
    new_img = np.ones((new_size, new_size, 3)) * (0, 0, 0)  # float64 canvas
    x0, y0 = (new_size - w) // 2, (new_size - h) // 2
    new_img[y0:y0 + h, x0:x0 + w, :] = img
    new_img = cv2.resize(new_img, (w, h))
    kps = label['keypoints']
    for i in range(len(kps)):
        if i % 3 == 0:
            kps[i] = (kps[i] * w + x0) / new_size
        elif i % 3 == 1:
            kps[i] = (kps[i] * h + y0) / new_size
    c = label['center']
    c[0], c[1] = (c[0] * w + x0) / new_size, (c[1] * h + y0) / new_size
    for p in label['other_centers'] + [q for pts in label['other_keypoints'] for q in pts]:
        p[0], p[1] = (p[0] * w + x0) / new_size, (p[1] * h + y0) / new_size
    return new_img.astype(np.uint8), label


def crop(img, label, pad_ratio, crop_x=None, crop_y=None, max_pad_ratio=0.3):
    """data_augment.py Crop; pad_ratio = random.uniform(max/3, max); crop_x / crop_y = its two random.randint draws
    (only drawn, and only used, when there are no other centres)."""
    label = deepcopy(label)
    h, w = img.shape[:2]
    if len(label['other_centers']) > 0:
        crop_x, crop_y = int(w * pad_ratio), int(h * pad_ratio)
    new_w, new_h = int(w - w * pad_ratio * 2), int(h - h * pad_ratio * 2)
    new_img = cv2.resize(img[crop_y:crop_y + new_h, crop_x:crop_x + new_w], (w, h))
    kps = label['keypoints']
    for i in range(len(kps)):
        if i % 3 == 0:
            kps[i] = (kps[i] * w - crop_x) / new_w
        elif i % 3 == 1:
            kps[i] = (kps[i] * h - crop_y) / new_h
    _zero_outside_keypoints(kps)
    c = label['center']
    c[0] = min(max(0, (c[0] * w - crop_x) / new_w), 1)  # the centre is clipped, not dropped
    c[1] = min(max(0, (c[1] * h - crop_y) / new_h), 1)
    f = lambda p: [(p[0] * w - crop_x) / new_w, (p[1] * h - crop_y) / new_h]  # noqa: E731
    label['other_centers'] = [q for q in map(f, label['other_centers']) if not _outside(*q)]
    label['other_keypoints'] = [[q for q in map(f, pts) if not _outside(*q)] for pts in label['other_keypoints']]
    return new_img.astype(np.uint8), label


def move(img, label, move_x, move_y):
    """data_augment.py Move; move_x / move_y = randint(...) * choice([-1, 1]) as drawn. Only this person's
    keypoints and centre move (other_centers / other_keypoints stay: DataAug calls it only for single persons)."""
    label = deepcopy(label)
    h, w = img.shape[:2]
    m = np.float32([[1, 0, move_x], [0, 1, move_y]])
    img = cv2.warpAffine(img, m, (img.shape[1], img.shape[0]))
    kps = label['keypoints']
    for i in range(len(kps)):
        if i % 3 == 0:
            kps[i] = kps[i] + move_x / w
        elif i % 3 == 1:
            kps[i] = kps[i] + move_y / h
    _zero_outside_keypoints(kps)
    c = label['center']
    c[0] = min(max(0, c[0] + move_x / w), 1)
    c[1] = min(max(0, c[1] + move_y / h), 1)
    return img.astype(np.uint8), label


def _warp_points(points, m, w, h):
    """Rotate / Affine point mapping: x * w, y * h truncated to int32, (3x3 or 2x3 matrix) @ [x, y, 1], the result
    cast to float32, then divided by w, h in float32. points [N, 2] -> float32 [N, 2]."""
    p = np.reshape(points, (-1, 2)).astype(np.float64)
    p[:, 0] *= w
    p[:, 1] *= h
    p = p.astype(np.int32).T
    full = np.vstack((p, np.ones(shape=(1, p.shape[1]))))  # np.row_stack in the official (float64)
    out = np.dot(m, full)[0:2, :].T.astype(np.float32)
    out[:, 0] /= w
    out[:, 1] /= h
    return out


def _warp_label(label, m, w, h):
    kps = np.reshape(label['keypoints'], (-1, 3))
    kps = np.concatenate([_warp_points(kps[:, :2], m, w, h), kps[:, 2].reshape(-1, 1)], -1).reshape(-1).tolist()
    label['keypoints'] = _zero_outside_keypoints(kps)
    label['center'] = _warp_points(label['center'], m, w, h).reshape(-1).tolist()  # not clipped, not dropped
    label['other_centers'] = [q for q in _warp_points(label['other_centers'], m, w, h).tolist() if not _outside(*q)]
    label['other_keypoints'] = [
        [q for q in _warp_points(pts, m, w, h).tolist() if not _outside(*q)] if len(pts) > 0 else pts
        for pts in label['other_keypoints']]
    return label


def rotate(img, label, angle):
    """data_augment.py Rotate (label given, pad_color (0,0,0)); angle = random.uniform(-24, 24) from DataAug."""
    label = deepcopy(label)
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    full_m = np.vstack((m, np.asarray([0, 0, 1])))
    img = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_CUBIC, borderMode=cv2.BORDER_CONSTANT,
                         borderValue=(0, 0, 0))
    return img, _warp_label(label, full_m, w, h)


def affine(img, label, rand):
    """data_augment.py Affine; rand = its np.random.rand(3, 2) draw (DataAug also draws an unused `strength`)."""
    label = deepcopy(label)
    h, w = img.shape[:2]
    pts_base = np.float32([[10, 100], [200, 50], [100, 250]])
    pts1 = (np.asarray(rand) * -40 + pts_base).astype(np.float32)
    m = cv2.getAffineTransform(pts1, pts_base)
    img = cv2.warpAffine(img, m, (img.shape[1], img.shape[0]), borderMode=cv2.BORDER_CONSTANT,
                         borderValue=(0, 0, 0))
    return img, _warp_label(label, m, w, h)


def color_distort(img, contrast, brightness, hue, saturation):
    """data_augment.py ColorDistort.__call__ with its four np.random.uniform draws (in this order)."""
    mean = img.mean(axis=0).mean(axis=0)  # adjust_contrast
    img = np.clip((img - mean) * contrast + mean, 0, 255).astype(np.uint8)
    img = np.clip(img + brightness * 255, 0, 255).astype(np.uint8)  # adjust_brightness
    img = cv2.cvtColor(img, cv2.COLOR_BGR2HSV)  # BGR2HSV on an RGB array, as the official
    img[..., 0] = np.mod(img[..., 0] + hue * 180, 180)  # adjust_hue (assignment truncates to uint8)
    img[..., 1] = np.clip(img[..., 1] * saturation, 0, 255)  # adjust_saturation
    return cv2.cvtColor(img, cv2.COLOR_HSV2BGR)


def pixel_jitter(img, rand, max_=5.0):
    """data_augment.py pixel_jitter; DataAug calls pixel_jitter(img, 15), binding 15 to the unused p, so the
    amplitude is the default max_ = 5. rand = its np.random.rand(h, w, c) draw."""
    out = img.astype(np.float32) + (np.asarray(rand) - 0.5) * 2 * max_
    out[out < 0] = 0
    out[out > 255] = 255
    return out.astype(np.uint8)


def aid(img, label, size_rand, dropout_id, color):
    """data_augment.py AID: a grey square on one labelled keypoint; size_rand = random.uniform(3/192, 6/192),
    dropout_id = random.randint(0, n_labelled - 1), color = random.randint(0, 255)."""
    img = img.copy()  # the official writes into its argument
    h, w = img.shape[:2]
    half = int(size_rand * (h + w) / 2)
    kps = np.array(label['keypoints']).reshape((-1, 3))
    kps = kps[kps[:, 2] > 0]
    cx, cy = kps[dropout_id][0] * w, kps[dropout_id][1] * h
    x0, y0 = int(max(0, cx - half)), int(max(0, cy - half))
    x1, y1 = int(min(w - 1, cx + half)), int(min(h - 1, cy + half))
    img[y0:y1, x0:x1] = (color, color, color)
    return img


def data_aug(img, label, d):
    """data_augment.py DataAug.__call__ with the draws in dict d (absent keys: branch not taken):
    u_mirror, rd, u_pad (+ pad_rand | crop_ratio, crop_x, crop_y), u_affine (+ affine_rand | angle),
    u_move (+ move_x, move_y), u_color (+ contrast, brightness, hue, saturation), u_jitter (+ jitter), u_aid
    (+ aid_size, aid_id, aid_color)."""
    new_img, new_label = img.copy(), deepcopy(label)
    if d['u_mirror'] < 0.5:
        new_img, new_label = mirror(new_img, new_label)
    rd = d['rd']
    if rd < 0.5:
        if d['u_pad'] < 0.2:
            new_img, new_label = padding(new_img, new_label, d['pad_rand'])
        else:
            new_img, new_label = crop(new_img, new_label, d['crop_ratio'], d.get('crop_x'), d.get('crop_y'))
    elif rd < 0.65:
        if d['u_affine'] < 0.7:
            if len(new_label['other_centers']) == 0:
                new_img, new_label = affine(new_img, new_label, d['affine_rand'])
        else:
            new_img, new_label = rotate(new_img, new_label, d['angle'])
    elif rd < 0.85:
        ok = new_label['other_keypoints']
        if len(new_label['other_centers']) == 0 and len(ok[0]) + len(ok[3]) == 0:
            if d['u_move'] < 0.5:
                new_img, new_label = move(new_img, new_label, d['move_x'], d['move_y'])
    # "in case of no points": revert when > 3 more keypoints became unlabelled or > 5 are unlabelled
    zero = sum(1 for i in range(2, len(label['keypoints']), 3) if label['keypoints'][i] == 0)
    zero_new = sum(1 for i in range(2, len(new_label['keypoints']), 3) if new_label['keypoints'][i] == 0)
    if zero_new - zero > 3 or zero_new > 5:
        new_img, new_label = img, label
    if d['u_color'] < 0.4:
        new_img = color_distort(new_img, d['contrast'], d['brightness'], d['hue'], d['saturation'])
    if d['u_jitter'] < 0.4:
        new_img = pixel_jitter(new_img, d['jitter'])
    if d['u_aid'] < 0.3:
        new_img = aid(new_img, new_label, d['aid_size'], d['aid_id'], d['aid_color'])
    return new_img, new_label
