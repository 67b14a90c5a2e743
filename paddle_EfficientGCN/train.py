"""Train EfficientGCN (official recipe: SGD nesterov, warm-up + cosine per iteration, best top-1 kept).

    python train.py --config configs/2001.yaml --dataset_root ./data/npy_dataset/original/ntu-xsub
    python train.py --resume output/latest          # continues with the config saved in the checkpoint
    python -m paddle.distributed.launch --gpus 0,1 train.py --config configs/2001.yaml
Flags that name a config key (--batch_size, --learning_rate, ...) override it; the resolved config is saved
beside every checkpoint (latest/config.yaml, best_model/config.yaml).
"""
import argparse
import os

from utils import ArgumentParser, UserError, folder_path, run_main, set_device, str2bool
from utils.config import config_beside, load_config

# flag -> the config key it overrides (validated by the config schema like the file's own values)
FLAG_KEYS = {'dataset_root': 'dataset_args.dataset_root', 'batch_size': 'train.batch_size',
             'max_epochs': 'train.max_epochs', 'warm_up': 'train.warm_up', 'learning_rate': 'train.learning_rate',
             'seed': 'train.seed', 'num_workers': 'train.num_workers', 'log_iters': 'train.log_iters',
             'eval_interval': 'train.eval_interval'}


def get_parser() -> argparse.ArgumentParser:
    p = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=None,
                   help='yaml config (default: config.yaml of --resume, else configs/2001.yaml)')
    p.add_argument('--dataset_root', default=None, help='folder with {train,eval}_data.npy + _label.pkl')
    p.add_argument('--pretrained', default=None,
                   help='.pdparams to start from (another class count: the classifier is re-initialised)')
    p.add_argument('--batch_size', type=int, default=None, help='per card')
    p.add_argument('--max_epochs', type=int, default=None)
    p.add_argument('--max_iters', type=int, default=None, help='stop after this many iterations (TIPC)')
    p.add_argument('--warm_up', type=int, default=None, help='warm-up epochs')
    p.add_argument('--log_iters', type=int, default=None)
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


def main(argv=None) -> None:
    args = get_parser().parse_args(argv)
    if args.max_iters is not None and args.max_iters < 1:
        raise UserError(f'--max_iters {args.max_iters}: expected an integer >= 1, or leave it out')
    if args.dataset_root:
        args.dataset_root = os.path.abspath(args.dataset_root)
    config = args.config or config_beside(args.resume) or folder_path('configs/2001.yaml')
    cfg = load_config(config, {key: getattr(args, flag) for flag, key in FLAG_KEYS.items()})
    if set_device(args.device) == 'cpu' and args.amp:
        raise UserError('--amp True needs a GPU (float16 autocast), drop it or use --device gpu')
    from utils.engine import RunOptions, train
    train(cfg, RunOptions(save_dir=args.save_dir, pretrained=args.pretrained, resume=args.resume,
                          max_iters=args.max_iters, amp=args.amp, use_vdl=args.use_vdl, progress=args.progress))


if __name__ == '__main__':
    run_main(main)
