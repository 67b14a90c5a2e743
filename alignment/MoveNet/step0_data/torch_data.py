"""Step 0, torch side: torch_ref's independent re-implementation of movenet.pytorch's data pipeline
(torch_ref/data.py = lib/data/data_tools.py, torch_ref/augment.py = lib/data/data_augment.py) on the same crops
with the same fixed draws, passed as explicit arguments."""
import os
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

import cv2
import numpy as np

from common import STEP0_COCO, STEP0_ROOT, flat_label, save, step0_array, step0_items, step0_params
from torch_ref import augment as A
from torch_ref.coco_crop import make_coco_crops
from torch_ref.data import INTERP_METHODS, get_item, make_labels, read_image

IMG_DIR = os.path.join(STEP0_ROOT, 'imgs')


def with_arrays(d):
    return {k: (step0_array(v) if k == 'jitter' else np.asarray(v) if k == 'affine_rand' else v) for k, v in d.items()}


def run_op(op, img, label, d):
    if op == 'mirror':
        return A.mirror(img, label)
    if op == 'padding':
        return A.padding(img, label, d['pad_rand'])
    if op == 'crop':
        return A.crop(img, label, d['crop_ratio'], d.get('crop_x'), d.get('crop_y'))
    if op == 'move':
        return A.move(img, label, d['move_x'], d['move_y'])
    if op == 'rotate':
        return A.rotate(img, label, d['angle'])
    if op == 'affine':
        return A.affine(img, label, d['affine_rand'])
    if op == 'color':
        return A.color_distort(img, d['contrast'], d['brightness'], d['hue'], d['saturation']), label
    if op == 'jitter':
        return A.pixel_jitter(img, d['jitter']), label
    if op == 'aid':
        return A.aid(img, label, d['aid_size'], d['aid_id'], d['aid_color']), label
    raise KeyError(op)


def main():
    params, items = step0_params(), step0_items()
    out = {}
    dst = os.path.join(STEP0_COCO, 'torch')  # crops written and read back as the official cv2.imwrite does
    os.makedirs(dst, exist_ok=True)
    for save_name, crop, label in make_coco_crops(os.path.join(STEP0_COCO, 'val2017'),
                                                  os.path.join(STEP0_COCO, 'person_keypoints_val2017.json')):
        cv2.imwrite(os.path.join(dst, save_name), crop)
        name = save_name[:-4]
        out.update({f'coco_{name}_crop': cv2.imread(os.path.join(dst, save_name)),
                    f'coco_{name}_label': flat_label(label), f'coco_{name}_bbox': np.asarray(label['bbox'])})
    for name, (index, interp) in params['val'].items():
        img, labels, mask, label = get_item(IMG_DIR, items[index], interp=INTERP_METHODS[interp])
        out.update({f'{name}_img': img, f'{name}_labels': labels, f'{name}_mask': mask,
                    f'{name}_keypoints': np.float32(np.reshape(label['keypoints'], (-1, 3)))})
    for name, (index, op, d) in params['ops'].items():
        img = read_image(IMG_DIR, items[index], 192, INTERP_METHODS[params['op_interp']])
        img, label = run_op(op, img, items[index], with_arrays(d))
        out.update({f'op_{name}_img': img, f'op_{name}_label': flat_label(label),
                    f'op_{name}_labels': make_labels(label)[0]})
    for name, (index, interp, d) in params['train'].items():
        d = with_arrays(d)
        img, labels, mask, label = get_item(IMG_DIR, items[index], interp=INTERP_METHODS[interp],
                                            aug=lambda im, lab: A.data_aug(im, lab, d))
        out.update({f'{name}_img': img, f'{name}_labels': labels, f'{name}_mask': mask,
                    f'{name}_keypoints': np.float32(np.reshape(label['keypoints'], (-1, 3)))})
    save('step0_data', 'data', 'torch', out)


if __name__ == '__main__':
    main()
