"""Raw NTU RGB+D .skeleton folders -> {train,eval}_data.npy [N, 3, 300, 25, 2] + {phase}_label.pkl.

    python tools/ntu_reader.py --raw_dirs <nturgb+d_skeletons> --out_root ./data/npy_dataset --benchmark ntu-xsub
    python tools/ntu_reader.py --raw_dirs <ntu60 dir> --out_root ./data/npy_dataset --benchmark ntu-xview --transform True
    python tools/ntu_reader.py --raw_dirs <ntu60 dir> <ntu120 dir> --benchmark ntu-xsub120
Output: <out_root>/<original|transformed>/<benchmark>/. The full set takes hours (x-view pre-normalisation).
"""
import argparse
import os
import sys

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from datasets.ntu_skeleton import BENCHMARK_ALIASES, BENCHMARKS, IGNORE_FILE, generate
from utils import ArgumentParser, folder_path, run_main, str2bool


def main(argv=None) -> None:
    parser = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--raw_dirs', nargs='+', required=True, help='folders of .skeleton files (NTU-60, NTU-120)')
    parser.add_argument('--out_root', default=folder_path('data/npy_dataset'))
    parser.add_argument('--benchmark', default='ntu-xsub', choices=BENCHMARKS + tuple(BENCHMARK_ALIASES))
    parser.add_argument('--transform', type=str2bool, default=False,
                        help='pre-normalise (official: True for x-view only)')
    parser.add_argument('--ignore_file', default=IGNORE_FILE, help='samples with missing skeletons to skip')
    parser.add_argument('--progress', type=str2bool, default=True)
    args = parser.parse_args(argv)
    generate(args.raw_dirs, args.out_root, args.benchmark, args.transform, args.ignore_file, progress=args.progress)


if __name__ == '__main__':
    run_main(main)
