"""Convert a movenet.pytorch checkpoint to a Paddle .pdparams that MoveNet loads strictly.

    python tools/convert_weights.py --src output/e118_valacc0.79805.pth --dst e118.pdparams
    python tools/convert_weights.py --src output/e91_valacc0.79763.pth --dst e91.pdparams   # old form

Both official forms convert (see utils/checkpoint.py, which does the work): the current one (conv2 = ModuleList of n
blocks, e.g. e118_valacc0.79805.pth) by name, the old one (one conv2 block applied n times: e91_valacc0.79763.pth,
mbv2_e105_valacc0.80255.pth) by copying the shared block into each of the n slots, which reproduces the old model
exactly; its never-applied block of the n = 0 stage is left out (named in a note). Names are otherwise the same on
both sides: BatchNorm running_mean/var -> _mean/_variance, num_batches_tracked dropped, a `module.` prefix
stripped, no transposes (no Linear layers). --num_classes N builds heads for N joints: a checkpoint of another
joint count keeps everything but its three 1x1 head classifiers, which are named in a warning and initialised
fresh. Any other missing, unexpected or reshaped tensor is an error. torch is imported only to read the file."""
import os
import sys

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import warnings

warnings.filterwarnings('ignore', message='No ccache found')  # paddle's harmless import-time warning

import argparse
from typing import List, Optional

from utils import ArgumentParser, UserError, cli, input_path
from utils.checkpoint import convert, save_converted


@cli
def main(argv: Optional[List[str]] = None) -> None:
    parser = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--src', required=True, help='torch checkpoint (.pth/.pt/.pth.tar)')
    parser.add_argument('--dst', required=True, help='output .pdparams')
    parser.add_argument('--num_classes', type=int, default=None,
                        help='joints of the output model (default: those of the checkpoint, 17 for COCO)')
    args = parser.parse_args(argv)
    args.src = input_path(args.src)
    if not os.path.isfile(args.src):
        raise UserError(f'{args.src} not found, --src, pass a movenet.pytorch checkpoint such as '
                        'output/e118_valacc0.79805.pth')
    if args.num_classes is not None and args.num_classes < 1:
        raise UserError(f'--num_classes {args.num_classes} must be >= 1, command line, pass the joint count (17)')
    state = convert(args.src, args.num_classes)
    save_converted(state, args.dst)
    print(f'converted {len(state)} tensors -> {args.dst}')


if __name__ == '__main__':
    main()
