"""Step 0, Paddle side: the MoveNet folder's own data code (datasets/coco_crops.py CocoCropDataset.load_sample:
reader + validator, random-interpolation resize, DataAug, label maps; datasets/transforms.py for single ops) on
the step-0 crops, with the fixed draws of OUT/data/step0_params.json fed through a scripted generator."""
import copy
import json
import os
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

import cv2
import numpy as np

from common import STEP0_COCO, STEP0_ROOT, flat_label, paddle_side, save, step0_array, step0_items, step0_params
from datasets import transforms as T
from datasets.coco_convert import convert_coco
from datasets.coco_crops import INTERPOLATIONS, CocoCropDataset, read_image, validate_item
from datasets.label_maps import build_label_maps
from utils import UserError

paddle_side()


class ScriptedRNG:
    """Answers the numpy-Generator calls of our data code from a fixed list of (kind, value) draws, checking that
    each call is the expected kind and within its range, and that every draw is used."""

    def __init__(self, draws):
        self.queue = list(draws)

    def _next(self, kind):
        assert self.queue, f'our code asked for an extra {kind} draw'
        got, value = self.queue.pop(0)
        assert got == kind, f'our code asked for a {kind} draw where the official draws a {got}'
        return value

    def random(self, size=None):
        if size is None:
            value = float(self._next('random'))
            assert 0 <= value < 1
            return value
        value = np.asarray(self._next('array'), dtype=np.float64)
        assert value.shape == tuple(np.atleast_1d(size)), (value.shape, size)
        return value

    def uniform(self, low, high):
        value = float(self._next('uniform'))
        assert low <= value <= high, (low, value, high)
        return value

    def integers(self, low, high=None):
        low, high = (0, low) if high is None else (low, high)
        value = int(self._next('integers'))
        assert low <= value < high, (low, value, high)
        return value

    def choice(self, seq):
        value = self._next('choice')
        assert value in list(seq)
        return value

    def done(self):
        assert not self.queue, f'draws left unused: {self.queue}'


def _array(value):
    return step0_array(value) if isinstance(value, str) else np.asarray(value)


def op_draws(op, d):
    """The draws of one transform of ours, in the order it asks for them."""
    if op == 'mirror':
        return []
    if op == 'padding':
        return [('random', d['pad_rand'])]
    if op == 'crop':
        extra = [('integers', d['crop_x']), ('integers', d['crop_y'])] if 'crop_x' in d else []
        return [('uniform', d['crop_ratio'])] + extra
    if op == 'move':
        return [('uniform', d['move_ratio']), ('integers', abs(d['move_x'])), ('choice', int(np.sign(d['move_x']))),
                ('integers', abs(d['move_y'])), ('choice', int(np.sign(d['move_y'])))]
    if op == 'rotate':
        return [('uniform', d['angle'])]
    if op == 'affine':
        return [('array', _array(d['affine_rand']))]
    if op == 'color':
        return [('uniform', d[k]) for k in ('contrast', 'brightness', 'hue', 'saturation')]
    if op == 'jitter':
        return [('array', _array(d['jitter']))]
    if op == 'aid':
        return [('uniform', d['aid_size']), ('integers', d['aid_id']), ('integers', d['aid_color'])]
    raise KeyError(op)


def aug_draws(d):
    """The draws of our DataAug for the branch decisions in d (torch_ref.augment.data_aug's keys)."""
    q = [('random', d['u_mirror']), ('random', d['rd'])]
    if d['rd'] < 0.5:
        q.append(('random', d['u_pad']))
        q += op_draws('padding' if d['u_pad'] < 0.2 else 'crop', d)
    elif d['rd'] < 0.65:
        q.append(('random', d['u_affine']))
        q += op_draws('affine', d) if 'affine_rand' in d else op_draws('rotate', d) if 'angle' in d else []
    elif d['rd'] < 0.85:
        q += [('random', d['u_move'])] if 'u_move' in d else []
        q += op_draws('move', d) if 'move_x' in d else []
    for u, op, p in (('u_color', 'color', 0.4), ('u_jitter', 'jitter', 0.4), ('u_aid', 'aid', 0.3)):
        q.append(('random', d[u]))
        q += op_draws(op, d) if d[u] < p else []
    return q


OPS = {'mirror': T.Mirror(), 'padding': T.Padding(), 'crop': T.Crop(), 'move': T.Move(), 'rotate': T.Rotate(),
       'affine': T.Affine(), 'color': T.ColorDistort(), 'jitter': T.PixelJitter(), 'aid': T.AID()}


def main():
    params = step0_params()
    out = {}
    # the crop tool (scripts/make_coco_data_17keypooints.py -> datasets/coco_convert.py) on raw COCO input
    dst = os.path.join(STEP0_COCO, 'paddle')
    convert_coco(os.path.join(STEP0_COCO, 'val2017'), os.path.join(STEP0_COCO, 'person_keypoints_val2017.json'),
                 os.path.join(dst, 'val2017.json'), os.path.join(dst, 'imgs'))
    for item in json.load(open(os.path.join(dst, 'val2017.json'))):
        name = item['img_name'][:-4]
        out.update({f'coco_{name}_crop': cv2.imread(os.path.join(dst, 'imgs', item['img_name'])),
                    f'coco_{name}_label': flat_label(item), f'coco_{name}_bbox': np.asarray(item['bbox'])})
    # The reader validates val2017.json (datasets/coco_crops.py load_annotations). Crop 3 has labelled keypoints
    # outside [0, 1] on purpose (the label maps must treat them as movenet.pytorch does: they arise inside DataAug,
    # e.g. after Padding); the reader refuses such a file since issue 10, so crop 3 is fed past it, the others
    # through it.
    items = step0_items()
    try:
        validate_item(items[3], 'crop 3')
        raise SystemExit('step 0: the reader accepted keypoints outside [0, 1]')
    except UserError:
        pass
    for i in (0, 1, 2):
        validate_item(items[i], f'crop {i}')
    val = CocoCropDataset(STEP0_ROOT, 'val', augment=False, items=items)
    for name, (index, interp) in params['val'].items():
        rng = ScriptedRNG([('integers', interp)])
        img, labels, mask, kps, _ = val.load_sample(index, rng)
        rng.done()
        out.update({f'{name}_img': img, f'{name}_labels': labels, f'{name}_mask': mask, f'{name}_keypoints': kps})
    for name, (index, op, d) in params['ops'].items():
        item = copy.deepcopy(val.items[index])
        img = read_image(os.path.join(STEP0_ROOT, 'imgs', item['img_name']), 192,
                         INTERPOLATIONS[params['op_interp']])
        rng = ScriptedRNG(op_draws(op, d))
        img, item = OPS[op](img, item, rng)
        rng.done()
        labels, mask = build_label_maps(item['keypoints'], item['center'], item['other_centers'],
                                        item['other_keypoints'])
        out.update({f'op_{name}_img': img, f'op_{name}_label': flat_label(item), f'op_{name}_labels': labels})
    train = CocoCropDataset(STEP0_ROOT, 'val', augment=True, items=items)
    for name, (index, interp, d) in params['train'].items():
        rng = ScriptedRNG([('integers', interp)] + aug_draws(d))
        img, labels, mask, kps, _ = train.load_sample(index, rng)
        rng.done()
        out.update({f'{name}_img': img, f'{name}_labels': labels, f'{name}_mask': mask, f'{name}_keypoints': kps})
    save('step0_data', 'data', 'paddle', out)


if __name__ == '__main__':
    main()
