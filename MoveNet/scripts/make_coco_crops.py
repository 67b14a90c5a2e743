"""COCO keypoints -> MoveNet crops (data/cropped/imgs + data/cropped/{train,val}2017.json).

    python scripts/make_coco_crops.py --coco_root data/coco --out_root data/cropped
expects <coco_root>/{train2017,val2017}/ and <coco_root>/annotations/person_keypoints_{train,val}2017.json;
or one split: --img_dir ... --ann_file ... --out_json ... ."""
import os
import sys

# run as `python scripts/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
from typing import List, Optional

from datasets.coco_convert import convert_coco
from utils import ArgumentParser, UserError, cli, from_root, input_path


@cli
def main(argv: Optional[List[str]] = None) -> None:
    parser = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--coco_root', default=None,
                        help='folder with train2017/ val2017/ annotations/ (default: <this folder>/data/coco)')
    parser.add_argument('--out_root', default=None,
                        help='output folder, imgs/ + json files (default: <this folder>/data/cropped)')
    parser.add_argument('--splits', default='val,train', help='comma-separated splits to convert')
    parser.add_argument('--img_dir', default=None, help='single split: image folder')
    parser.add_argument('--ann_file', default=None, help='single split: person_keypoints_*.json')
    parser.add_argument('--out_json', default=None, help='single split: output json')
    parser.add_argument('--expand_ratio', type=float, default=1.0, help='EXPAND_RATIO of the original (1.0)')
    args = parser.parse_args(argv)
    if not 0 < args.expand_ratio < 100:
        raise UserError(f'--expand_ratio {args.expand_ratio} must be > 0 (1.0 = the original), command line, pass '
                        'a positive ratio')
    args.coco_root = input_path(args.coco_root) or from_root('data/coco')
    args.out_root = args.out_root or from_root('data/cropped')
    args.img_dir, args.ann_file = input_path(args.img_dir), input_path(args.ann_file)
    out_imgs = os.path.join(args.out_root, 'imgs')
    if args.ann_file:
        if not args.img_dir or not args.out_json:
            raise UserError('--ann_file needs --img_dir and --out_json, command line, pass all three')
        jobs = [(args.img_dir, args.ann_file, args.out_json)]
    else:
        jobs = [(os.path.join(args.coco_root, f'{s}2017'),
                 os.path.join(args.coco_root, 'annotations', f'person_keypoints_{s}2017.json'),
                 os.path.join(args.out_root, f'{s}2017.json')) for s in args.splits.split(',')]
    for img_dir, ann_file, out_json in jobs:
        n = convert_coco(img_dir, ann_file, out_json, out_imgs, args.expand_ratio)
        print(f'Total write {n} crops -> {out_json}')


if __name__ == '__main__':
    main()
