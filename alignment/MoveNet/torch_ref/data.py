"""The label maps and the sample loader of fire717/movenet.pytorch lib/data/data_tools.py, re-written in numpy (our
own code; loops kept where the official loops, so that the float arithmetic and the clipping order are the same)."""
import math
import os

import cv2
import numpy as np

INTERP_METHODS = [cv2.INTER_LINEAR, cv2.INTER_CUBIC, cv2.INTER_AREA, cv2.INTER_NEAREST, cv2.INTER_LANCZOS4]


def generate_heatmap(x, y, other_keypoints, size, sigma):
    """data_tools.py generate_heatmap: exponential cones exp(-3 d / r), r = (sigma + 6) // 2, over the window
    [x - r, x + r) x [y - r, y + r) where d <= r, for (x, y) and the other persons' points; clipped to 1."""
    sigma += 6
    r = sigma // 2
    heatmap = np.zeros(size)  # float64
    if x < 0 or y < 0 or x >= size[0] or y >= size[1]:
        return heatmap  # an out-of-map point leaves the map empty, other persons included
    tops = [[x, y]]
    for p in other_keypoints:
        ox, oy = int(p[0] * size[0]), int(p[1] * size[1])  # int() truncates toward zero
        ox = size[0] - 1 if ox == size[0] else ox
        oy = size[1] - 1 if oy == size[1] else oy
        if ox > size[0] or ox < 0 or oy > size[1] or oy < 0:
            continue
        tops.append([ox, oy])
    for tx, ty in tops:
        for map_y in range(max(0, ty - r), min(size[1], ty + r)):
            for map_x in range(max(0, tx - r), min(size[0], tx + r)):
                d = ((map_x - tx) ** 2 + (map_y - ty) ** 2) ** 0.5
                if d <= r:
                    heatmap[map_y, map_x] += math.exp(-d / r * 3)
                if heatmap[map_y, map_x] > 1:  # overlapping cones are summed, then clipped to 1
                    heatmap[map_y, map_x] = 1
    return heatmap


def label2heatmap(keypoints, other_keypoints, img_size):
    """data_tools.py label2heatmap -> (heatmaps [17,48,48] float32, sigma from the labelled keypoints' extent)."""
    kps = np.reshape(keypoints, (-1, 3))
    kps = kps[kps[:, 2] > 0]
    area = (np.max(kps[:, 1]) - np.min(kps[:, 1])) * (np.max(kps[:, 0]) - np.min(kps[:, 0]))
    sigma = 3 if area < 0.16 else 5 if area < 0.3 else 7
    s = img_size // 4
    heatmaps = []
    for i in range(0, len(keypoints), 3):
        if keypoints[i + 2] == 0:
            heatmaps.append(np.zeros((s, s)))
            continue
        x = int(keypoints[i] * img_size // 4)  # float floor division, then int
        y = int(keypoints[i + 1] * img_size // 4)
        x = s - 1 if x == s else x
        y = s - 1 if y == s else y
        x = -1 if x > s or x < 0 else x
        y = -1 if y > s or y < 0 else y
        heatmaps.append(generate_heatmap(x, y, other_keypoints[i // 3], (s, s), sigma))
    return np.array(heatmaps, dtype=np.float32), sigma


def label2center(cx, cy, other_centers, img_size, sigma):
    """data_tools.py label2center: the same cone with sigma + 2 -> [1,48,48] float32."""
    return np.array([generate_heatmap(cx, cy, other_centers, (img_size // 4, img_size // 4), sigma + 2)],
                    dtype=np.float32)


def label2reg(keypoints, cx, cy, img_size):
    """data_tools.py label2reg: in the 5x5 window around the centre, the keypoint cell minus the centre, shifted by
    -(c - k) or +(c - k) depending on the half of the map the centre lies in -> [34,48,48] float32."""
    s = img_size // 4
    regs = np.zeros((len(keypoints) // 3 * 2, s, s), dtype=np.float32)
    for i in range(len(keypoints) // 3):
        if keypoints[i * 3 + 2] == 0:
            continue
        x = keypoints[i * 3] * img_size // 4  # stays a float (no int() here)
        y = keypoints[i * 3 + 1] * img_size // 4
        x = s - 1 if x == s else x
        y = s - 1 if y == s else y
        if x > s or x < 0 or y > s or y < 0:
            continue
        reg_x, reg_y = x - cx, y - cy
        for j in range(cy - 2, cy + 3):
            if j < 0 or j > s - 1:
                continue
            for k in range(cx - 2, cx + 3):
                if k < 0 or k > s - 1:
                    continue
                regs[i * 2][j][k] = reg_x - (cx - k) if cx < s / 2 - 1 else reg_x + (cx - k)
                regs[i * 2 + 1][j][k] = reg_y - (cy - j) if cy < s / 2 - 1 else reg_y + (cy - j)
    return regs


def label2offset(keypoints, cx, cy, regs, img_size):
    """data_tools.py label2offset (after the 95ec853 fix: small_y uses cy): at the cell the centre's regression
    points to, the quarter-pixel remainder int(kp * 192) / 4 - cell -> [34,48,48] float32."""
    s = img_size // 4
    offsets = np.zeros((len(keypoints) // 3 * 2, s, s), dtype=np.float32)
    for i in range(len(keypoints) // 3):
        if keypoints[i * 3 + 2] == 0:
            continue
        large_x, large_y = int(keypoints[i * 3] * img_size), int(keypoints[i * 3 + 1] * img_size)
        small_x = int(regs[i * 2, cy, cx] + cx)  # float32 + int, truncated
        small_y = int(regs[i * 2 + 1, cy, cx] + cy)
        offset_x, offset_y = large_x / 4 - small_x, large_y / 4 - small_y  # computed BEFORE the edge fold
        small_x = s - 1 if small_x == s else small_x
        small_y = s - 1 if small_y == s else small_y
        if small_x > s or small_x < 0 or small_y > s or small_y < 0:
            continue
        offsets[i * 2][small_y][small_x] = offset_x
        offsets[i * 2 + 1][small_y][small_x] = offset_y
    return offsets


def make_labels(item, img_size=192):
    """The label half of data_tools.py TensorDataset.__getitem__ -> (labels [86,48,48] float32, kps_mask [17]
    float64 (np.ones))."""
    keypoints, center = item['keypoints'], item['center']
    kps_mask = np.ones(len(keypoints) // 3)
    for i in range(len(keypoints) // 3):
        if keypoints[i * 3 + 2] == 0:  # 0 unlabelled; 1 labelled, occluded; 2 labelled, visible
            kps_mask[i] = 0
    heatmaps, sigma = label2heatmap(keypoints, item['other_keypoints'], img_size)
    cx = min(max(0, int(center[0] * img_size // 4)), img_size // 4 - 1)
    cy = min(max(0, int(center[1] * img_size // 4)), img_size // 4 - 1)
    centers = label2center(cx, cy, item['other_centers'], img_size, sigma)
    regs = label2reg(keypoints, cx, cy, img_size)
    offsets = label2offset(keypoints, cx, cy, regs, img_size)
    return np.concatenate([heatmaps, centers, regs, offsets], axis=0), kps_mask


def read_image(img_dir, item, img_size, interp):
    """The image half of TensorDataset.__getitem__ before augmentation: BGR -> RGB, resize with `interp` (the
    official draws it with random.choice(self.interp_methods), for train and val alike)."""
    img = cv2.imread(os.path.join(img_dir, item['img_name']), cv2.IMREAD_COLOR)
    img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    return cv2.resize(img, (img_size, img_size), interpolation=interp)


def get_item(img_dir, item, img_size=192, interp=cv2.INTER_LINEAR, aug=None):
    """TensorDataset.__getitem__ -> (img [3,S,S] float32, labels [86,48,48] float32, kps_mask [17] float64, label).
    `aug(img, label) -> (img, label)` is the training DataAug with its random draws fixed (torch_ref.augment)."""
    img = read_image(img_dir, item, img_size, interp)
    if aug is not None:
        img, item = aug(img, item)
    img = np.transpose(img.astype(np.float32), axes=[2, 0, 1])
    labels, kps_mask = make_labels(item, img_size)
    return img, labels, kps_mask, item
