"""Evaluate MoveNet weights on the val crops: the original's acc and COCO OKS AP.

The config is the one saved beside the weights (<dir>/config.yaml, written by train.py); --config overrides it."""
import warnings

warnings.filterwarnings('ignore', message='No ccache found')  # paddle's harmless import-time warning

import os
from typing import List, Optional

from models import MoveNet
from utils import ArgumentParser, cli, seed_everything, set_device, write_json
from utils.checkpoint import load_weights
from utils.config import add_config_flags, checkpoint_config, overrides_from
from utils.engine import build_loaders, evaluate


@cli
def main(argv: Optional[List[str]] = None) -> None:
    parser = ArgumentParser(description=__doc__)
    add_config_flags(parser, 'dataset_root', 'pretrained', 'batch_size', 'device', 'num_workers', 'seed', 'hm_th',
                     config_help='yaml config (default: config.yaml beside --pretrained)')
    parser.add_argument('--split', default='val', help='reads <dataset_root>/<split>2017.json')
    parser.add_argument('--save_dir', default=None, help='also write <save_dir>/metrics.json')
    args = parser.parse_args(argv)
    overrides = overrides_from(args, skip=('batch_size', 'save_dir', 'pretrained'))
    if args.batch_size is not None:
        overrides['TEST.batch_size'] = args.batch_size
    cfg, weights = checkpoint_config(args.config, args.pretrained, overrides)
    set_device(cfg.device or None)
    seed_everything(cfg.seed)  # the original resizes val images with a random interpolation too
    model = MoveNet(cfg.DATA.num_joints)
    load_weights(model, weights)
    _, loader = build_loaders(cfg, split=args.split)
    metrics = evaluate(model, loader, cfg.TEST.hm_th, cfg.TEST.acc_th / cfg.DATA.img_size)
    print(f"[EVAL] acc: {metrics['acc']:.4f}, AP: {metrics['AP']:.4f}, AP50: {metrics['AP50']:.4f}, "
          f"AR: {metrics['AR']:.4f} ({metrics['samples']} crops, {weights})")
    if args.save_dir:
        write_json(os.path.join(args.save_dir, 'metrics.json'), metrics)


if __name__ == '__main__':
    main()
