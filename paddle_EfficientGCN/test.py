"""Evaluate on the whole eval split (no dropped samples): top-1, top-5, mean class accuracy.

    python test.py --config configs/2001.yaml --pretrained output/best_model/model.pdparams
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from utils import folder_path, load_config, load_pretrained, run_main, set_device, str2bool  # noqa: E402


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=folder_path('configs/2001.yaml'))
    p.add_argument('--dataset_root', default=None, help='folder with eval_data.npy + eval_label.pkl')
    p.add_argument('--pretrained', default=folder_path('output/best_model/model.pdparams'))
    p.add_argument('--batch_size', type=int, default=None)
    p.add_argument('--num_workers', type=int, default=0)
    p.add_argument('--device', choices=['cpu', 'gpu'], default=None)
    p.add_argument('--save_dir', default=None, help='write metrics.json here')
    p.add_argument('--progress', type=str2bool, default=True)
    args = p.parse_args(argv)
    cfg = load_config(args.config)
    set_device(args.device)
    from engine import build_dataset, eval_loader, evaluate
    from models import build_model
    dataset = build_dataset(cfg, 'eval', args.dataset_root)
    model = build_model(cfg)
    load_pretrained(model, args.pretrained)
    metrics = evaluate(model, eval_loader(dataset, args.batch_size or cfg['train']['eval_batch_size'],
                                          args.num_workers), cfg['num_class'], args.progress)
    print(f'[EVAL] top1: {metrics["top1"]:.4f}, top5: {metrics["top5"]:.4f}, '
          f'mean_class_acc: {metrics["mean_class_acc"]:.4f}, samples: {metrics["num_samples"]}')
    if args.save_dir:
        os.makedirs(args.save_dir, exist_ok=True)
        with open(os.path.join(args.save_dir, 'metrics.json'), 'w') as f:
            json.dump(metrics, f, indent=2)


if __name__ == '__main__':
    run_main(main)
