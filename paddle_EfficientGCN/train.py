"""Train EfficientGCN (official recipe: SGD nesterov, warm-up + cosine per iteration, best top-1 kept).

    python train.py --config configs/2001.yaml --dataset_root ./data/npy_dataset/original/ntu-xsub
    python -m paddle.distributed.launch --gpus 0,1 train.py --config configs/2001.yaml
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from utils import UserError, folder_path, load_config, run_main, set_device, str2bool  # noqa: E402

OVERRIDES = ('batch_size', 'max_epochs', 'seed', 'learning_rate', 'num_workers', 'warm_up')


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=folder_path('configs/2001.yaml'))
    p.add_argument('--dataset_root', default=None, help='folder with {train,eval}_data.npy + _label.pkl')
    p.add_argument('--pretrained', default=None, help='.pdparams to start from')
    p.add_argument('--batch_size', type=int, default=None)
    p.add_argument('--max_epochs', type=int, default=None)
    p.add_argument('--max_iters', type=int, default=None, help='stop after this many iterations (TIPC)')
    p.add_argument('--warm_up', type=int, default=None, help='warm-up epochs')
    p.add_argument('--log_iters', type=int, default=10)
    p.add_argument('--seed', type=int, default=None)
    p.add_argument('--save_dir', default=folder_path('output'))
    p.add_argument('--resume', default=None, help='<save_dir>/latest of an interrupted run')
    p.add_argument('--learning_rate', type=float, default=None)
    p.add_argument('--num_workers', type=int, default=None)
    p.add_argument('--device', choices=['cpu', 'gpu'], default=None)
    p.add_argument('--amp', type=str2bool, default=False)
    p.add_argument('--use_vdl', type=str2bool, default=False)
    p.add_argument('--eval_interval', type=int, default=None, help='epochs between evaluations')
    p.add_argument('--progress', type=str2bool, default=True, help='tqdm bars')
    return p


def apply_overrides(cfg: dict, args: argparse.Namespace) -> dict:
    for key in OVERRIDES:
        if getattr(args, key) is not None:
            cfg['train'][key] = getattr(args, key)
    return cfg


def main(argv=None) -> None:
    args = get_parser().parse_args(argv)
    cfg = apply_overrides(load_config(args.config), args)
    if set_device(args.device) == 'cpu' and args.amp:
        raise UserError('--amp True needs a GPU (float16 autocast), drop it or use --device gpu')
    from engine import train
    train(cfg, args)


if __name__ == '__main__':
    run_main(main)
