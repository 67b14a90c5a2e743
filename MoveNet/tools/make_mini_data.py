"""Generated data in the real formats (datasets/mini.py): the mini stick-figure COCO set through the real crop tool,
and a folder of whole images for inference.

    python tools/make_mini_data.py --out_dir test_tipc/data/mini --num_train 40 --num_val 12
    python tools/make_mini_data.py --infer_dir test_tipc/data/whole/infer --num_infer 300
The first writes <out_dir>/coco/..., <out_dir>/cropped/{imgs/,train2017.json,val2017.json} (the --dataset_root),
<out_dir>/predict_example.jpg and <out_dir>/predict_example.avi; the second N images infer_<i>.jpg."""
import os
import sys

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
from typing import List, Optional

from datasets.mini import make_infer_set, make_mini
from utils import ArgumentParser, UserError, cli, from_root


@cli
def main(argv: Optional[List[str]] = None) -> None:
    parser = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out_dir', default=None, help='mini COCO set (default: <this folder>/test_tipc/data/mini)')
    parser.add_argument('--num_train', type=int, default=40)
    parser.add_argument('--num_val', type=int, default=12)
    parser.add_argument('--infer_dir', default=None, help='write only a folder of whole images for inference')
    parser.add_argument('--num_infer', type=int, default=4)
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    for flag in ('num_train', 'num_val', 'num_infer'):
        if getattr(args, flag) < 1:
            raise UserError(f'--{flag} {getattr(args, flag)} must be >= 1, command line, pass a positive count')
    if args.infer_dir:
        print(f'{args.num_infer} images written: --input_file {make_infer_set(args.infer_dir, args.num_infer, args.seed)}')
        return
    root = make_mini(args.out_dir or from_root('test_tipc/data/mini'), args.num_train, args.num_val, args.seed)
    print(f'mini data written: --dataset_root {root}')


if __name__ == '__main__':
    main()
