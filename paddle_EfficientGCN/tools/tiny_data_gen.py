"""The seed's tiny-data tool (it was dataset/tiny_data_gen.py): a small subset of a generated split folder, in
the same format.

    python tools/tiny_data_gen.py --src ./data/npy_dataset/original/ntu-xsub --dst ./data/tiny --num 64
Keeps up to --num samples per phase (seeded shuffle), written as {train,eval}_data.npy + {phase}_label.pkl.
"""
import argparse
import os
import sys

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from datasets.tiny import make_tiny
from utils import ArgumentParser, folder_path, positive_int, run_main


def main(argv=None) -> None:
    p = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--src', required=True, help='split folder written by tools/ntu_reader.py')
    p.add_argument('--dst', default=folder_path('data/tiny'))
    p.add_argument('--num', type=positive_int, default=64, help='samples per phase')
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args(argv)
    print(f'tiny set in {args.dst}: {make_tiny(args.src, args.dst, args.num, args.seed)}')


if __name__ == '__main__':
    run_main(main)
