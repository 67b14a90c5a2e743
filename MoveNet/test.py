"""Evaluate MoveNet weights on the val crops: the original's acc and COCO OKS AP."""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from config import add_flags, get_config  # noqa: E402
from datasets.coco_crops import CocoCropDataset  # noqa: E402
from models import MoveNet  # noqa: E402
from utils import load_weights, run_main, seed_everything, set_device  # noqa: E402
from utils.engine import evaluate, make_loader  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    add_flags(parser, 'dataset_root', 'pretrained', 'batch_size', 'device', 'num_workers', 'seed', 'hm_th')
    parser.add_argument('--split', default='val', help='reads <dataset_root>/<split>2017.json')
    parser.add_argument('--save_dir', default=None, help='also write <save_dir>/metrics.json')
    args = parser.parse_args()
    cfg = get_config(argparse.Namespace(**{k: v for k, v in vars(args).items() if k not in ('save_dir', 'batch_size')}))
    set_device(cfg.device or None)
    seed_everything(cfg.seed)  # the original resizes val images with a random interpolation too
    weights = cfg.MODEL.pretrained or os.path.join(cfg.save_dir, 'best_model', 'model.pdparams')
    model = MoveNet(cfg.DATA.num_joints)
    load_weights(model, weights)
    dataset = CocoCropDataset(cfg.DATA.root, args.split, cfg.DATA.img_size, False, cfg.seed)
    loader = make_loader(dataset, args.batch_size or cfg.TEST.batch_size, False, cfg.num_workers, cfg.seed)
    metrics = evaluate(model, loader, cfg.TEST.hm_th, cfg.TEST.acc_th / cfg.DATA.img_size)
    print(f"[EVAL] acc: {metrics['acc']:.4f}, AP: {metrics['AP']:.4f}, AP50: {metrics['AP50']:.4f}, "
          f"AR: {metrics['AR']:.4f} ({len(dataset)} crops, {weights})")
    if args.save_dir:
        os.makedirs(args.save_dir, exist_ok=True)
        with open(os.path.join(args.save_dir, 'metrics.json'), 'w') as f:
            json.dump(metrics, f, indent=1)


if __name__ == '__main__':
    run_main(main)
