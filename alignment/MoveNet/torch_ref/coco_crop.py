"""COCO person keypoints -> square person crops + the label list: fire717/movenet.pytorch
scripts/make_coco_data_17keypooints.py main() (EXPAND_RATIO 1.0, after the bbc8140 `other_keypoints[kid2]` fix),
re-written (our own code, same arithmetic). Returns the crops instead of writing them."""
import json
import os

import cv2
import numpy as np


def make_coco_crops(img_dir, labels_path, expand_ratio=1.0):
    """-> list of (save_name, crop image as the official passes it to cv2.imwrite (float64), label dict)."""
    with open(labels_path) as f:
        data = json.load(f)
    id_to_name = {im['id']: im['file_name'] for im in data['images']}
    by_image = {}
    for ann in data['annotations']:  # grouped by image, in the order of first appearance
        by_image.setdefault(id_to_name[ann['image_id']], []).append(ann)
    out = []
    for name, anns in by_image.items():
        if len(anns) > 3:  # images with more than 3 annotations (crowd ones included) are skipped
            continue
        img = cv2.imread(os.path.join(img_dir, name))
        h, w = img.shape[:2]
        for idx, item in enumerate(anns):
            if item['iscrowd'] != 0:
                continue
            bbox = [int(x) for x in item['bbox']]  # x, y, w, h truncated
            kps = np.array(item['keypoints']).reshape((17, 3))
            vis = kps[kps[:, 2] > 0]
            if len(vis) < 8:  # fewer than 8 labelled keypoints
                continue
            x0, x1 = min(bbox[0], np.min(vis[:, 0])), max(bbox[0] + bbox[2], np.max(vis[:, 0]))
            y0, y1 = min(bbox[1], np.min(vis[:, 1])), max(bbox[1] + bbox[3], np.max(vis[:, 1]))
            cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
            half = ((x1 - x0) + (y1 - y0)) / 2 * expand_ratio  # square of side w + h
            nx0, nx1, ny0, ny1 = int(cx - half), int(cx + half), int(cy - half), int(cy + half)
            pad_left = -nx0 + 1 if nx0 < 0 else 0  # the official pads one pixel more than needed
            pad_top = -ny0 + 1 if ny0 < 0 else 0
            pad_right = nx1 - w + 1 if nx1 > w else 0
            pad_bottom = ny1 - h + 1 if ny1 > h else 0
            pad_img = np.zeros((h + pad_top + pad_bottom, w + pad_left + pad_right, 3))  # float64 canvas
            pad_img[pad_top:pad_top + h, pad_left:pad_left + w] = img
            nx0, nx1, ny0, ny1 = nx0 + pad_left, nx1 + pad_left, ny0 + pad_top, ny1 + pad_top
            new_w, new_h = nx1 - nx0, ny1 - ny0
            crop = pad_img[ny0:ny1, nx0:nx1]

            def norm(x, y):
                return [(x + pad_left - nx0) / new_w, (y + pad_top - ny0) / new_h]
            box = norm(bbox[0], bbox[1]) + norm(bbox[0] + bbox[2], bbox[1] + bbox[3])
            center = [(box[0] + box[2]) / 2, (box[1] + box[3]) / 2]
            keypoints = []
            for kx, ky, kv in kps:
                keypoints += norm(int(kx), int(ky)) + [int(kv)]  # own keypoints truncated to pixels
            other_centers, other_keypoints = [], [[] for _ in range(17)]
            for idx2, item2 in enumerate(anns):
                if item2['iscrowd'] != 0 or idx2 == idx:
                    continue
                b2 = [int(x) for x in item2['bbox']]
                box2 = norm(b2[0], b2[1]) + norm(b2[0] + b2[2], b2[1] + b2[3])
                c2 = [(box2[0] + box2[2]) / 2, (box2[1] + box2[3]) / 2]
                if 0 < c2[0] < 1 and 0 < c2[1] < 1:
                    other_centers.append(c2)
                kps2 = np.array(item2['keypoints']).reshape((17, 3))
                for kid2 in range(17):
                    if kps2[kid2][2] == 0:
                        continue
                    p = norm(kps2[kid2][0], kps2[kid2][1])  # other persons' keypoints are not truncated
                    if 0 < p[0] < 1 and 0 < p[1] < 1:
                        other_keypoints[kid2].append(p)
            label = {'img_name': name[:-4] + '_' + str(idx) + '.jpg', 'keypoints': keypoints, 'center': center,
                     'bbox': box, 'other_centers': other_centers, 'other_keypoints': other_keypoints}
            out.append((label['img_name'], crop, label))
    return out
