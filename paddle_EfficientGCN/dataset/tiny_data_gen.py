"""The seed's tiny-data tool: a small subset of a generated split folder, in the same format.

    python dataset/tiny_data_gen.py --src ./data/npy_dataset/original/ntu-xsub --dst ./data/tiny --num 64
Keeps up to --num samples per phase (seeded shuffle), written as {train,eval}_data.npy + {phase}_label.pkl.
"""
import argparse
import os
import pickle
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from utils import UserError, folder_path, run_main  # noqa: E402


def make_tiny(src: str, dst: str, num: int, seed: int = 0) -> dict:
    os.makedirs(dst, exist_ok=True)
    counts = {}
    for phase in ('train', 'eval'):
        data_path, label_path = (os.path.join(src, f'{phase}_{s}') for s in ('data.npy', 'label.pkl'))
        if not (os.path.isfile(data_path) and os.path.isfile(label_path)):
            raise UserError(f'{data_path} or {label_path} missing, generate the split with tools/ntu_reader.py')
        data = np.load(data_path, mmap_mode='r')
        with open(label_path, 'rb') as f:
            names, labels, lengths = pickle.load(f)
        keep = np.sort(np.random.RandomState(seed).permutation(len(names))[:num])
        np.save(os.path.join(dst, f'{phase}_data.npy'), np.asarray(data[keep]))
        with open(os.path.join(dst, f'{phase}_label.pkl'), 'wb') as f:
            pickle.dump(([names[i] for i in keep], [labels[i] for i in keep], [lengths[i] for i in keep]), f)
        counts[phase] = len(keep)
    return counts


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--src', required=True, help='split folder written by tools/ntu_reader.py')
    p.add_argument('--dst', default=folder_path('data/tiny'))
    p.add_argument('--num', type=int, default=64, help='samples per phase')
    p.add_argument('--seed', type=int, default=0)
    args = p.parse_args(argv)
    print(f'tiny set in {args.dst}: {make_tiny(args.src, args.dst, args.num, args.seed)}')


if __name__ == '__main__':
    run_main(main)
