"""Training curves of a run from its train.log: loss, learning rate, train-batch and validation top-1, one PNG.

    python tools/plot_log.py --log output/train.log --out output/curves.png
"""
import os
import sys

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from utils import ArgumentParser, run_main


def main(argv=None) -> None:
    p = ArgumentParser(description=__doc__)
    p.add_argument('--log', required=True, help='<save_dir>/train.log')
    p.add_argument('--out', required=True, help='PNG to write')
    args = p.parse_args(argv)
    from utils.vis import read_train_log, save_curves
    title = os.path.basename(os.path.dirname(os.path.abspath(args.log)))
    print(f'training curves written to {save_curves(read_train_log(args.log), args.out, title)}')


if __name__ == '__main__':
    run_main(main)
