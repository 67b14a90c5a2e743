"""Evaluate a PoseC3D checkpoint on the test split: 10 clips x flip = 20 views per video, softmax-averaged.
The config is the config.yaml beside the weights (train.py writes it) unless --config overrides it.
python test.py --dataset_root ucf101.pkl --pretrained output/best_model/model.pdparams
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay

import argparse
import os

from datasets.pose_dataset import build_dataset
from models import build_model
from utils import check_flag, in_root, run_main, set_device, write_json
from utils.checkpoint import load_pretrained
from utils.config import load_config, resolve_config
from utils.engine import build_loader, evaluate


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=None, help="default: config.yaml beside --pretrained")
    p.add_argument("--dataset_root", required=True, help="pose pkl ({'split', 'annotations'})")
    p.add_argument("--pretrained", default=in_root("output", "best_model", "model.pdparams"),
                   help="default: output/best_model/model.pdparams in this folder (train.py's default)")
    p.add_argument("--batch_size", type=int, default=None, help="videos per batch (config train.test_batch_size)")
    p.add_argument("--split", type=int, choices=[1, 2, 3], default=None, help="data.test_split = test<k>")
    p.add_argument("--mode", choices=["test", "val"], default="test", help="val: 1 clip, no flip")
    p.add_argument("--num_workers", type=int, default=0)
    p.add_argument("--device", choices=["cpu", "gpu"], default=None)
    p.add_argument("--save_dir", default=None, help="write metrics.json here")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    check_flag(args.num_workers, "--num_workers", low=0)
    cfg = load_config(resolve_config(args.config, args.pretrained, "--pretrained"),
                      {"data.test_split": args.split and f"test{args.split}", "train.test_batch_size": args.batch_size},
                      {"data.test_split": "--split", "train.test_batch_size": "--batch_size"})
    set_device(args.device)
    dataset = build_dataset(args.dataset_root, cfg, args.mode)
    model = build_model(cfg["model"])
    for note in load_pretrained(model, args.pretrained):
        print(note)
    loader = build_loader(dataset, cfg["train"]["test_batch_size"], False, args.num_workers)
    metrics = evaluate(model, loader, "test")
    print(f"[TEST] videos: {metrics['videos']}, top1: {metrics['top1']:.4f}, top5: {metrics['top5']:.4f}, "
          f"mean_class_acc: {metrics['mean_class_acc']:.4f}")
    if args.save_dir:
        write_json(os.path.join(args.save_dir, "metrics.json"), metrics)


if __name__ == "__main__":
    run_main(main)
