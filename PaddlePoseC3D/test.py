"""Evaluate a PoseC3D checkpoint on the test split: 10 clips x flip = 20 views per video, softmax-averaged.
python test.py --dataset_root ucf101.pkl --pretrained output/best_model/model.pdparams
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import argparse  # noqa: E402
import json  # noqa: E402

from datasets.pose_dataset import build_dataset  # noqa: E402
from models import build_model  # noqa: E402
from utils import in_root, load_config, run_main, set_device  # noqa: E402
from utils.checkpoint import load_pretrained  # noqa: E402
from utils.engine import build_loader, evaluate  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=in_root("configs", "posec3d_r50_ucf101_split1.yaml"))
    p.add_argument("--dataset_root", required=True, help="pose pkl ({'split', 'annotations'})")
    p.add_argument("--pretrained", default=in_root("output", "best_model", "model.pdparams"),
                   help="default: output/best_model/model.pdparams in this folder (train.py's default)")
    p.add_argument("--batch_size", type=int, default=None, help="videos per batch (config: 1)")
    p.add_argument("--split", type=int, choices=[1, 2, 3], default=None)
    p.add_argument("--mode", choices=["test", "val"], default="test", help="val: 1 clip, no flip")
    p.add_argument("--num_workers", type=int, default=0)
    p.add_argument("--device", choices=["cpu", "gpu"], default=None)
    p.add_argument("--save_dir", default=None, help="write metrics.json here")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, {"data.split": args.split, "train.test_batch_size": args.batch_size})
    set_device(args.device)
    dataset = build_dataset(args.dataset_root, cfg, args.mode)
    model = build_model(cfg["model"])
    load_pretrained(model, args.pretrained)
    metrics = evaluate(model, build_loader(dataset, cfg["train"]["test_batch_size"], False, args.num_workers), "test")
    print(f"[TEST] videos: {len(dataset)}, top1: {metrics['top1']:.4f}, top5: {metrics['top5']:.4f}, "
          f"mean_class_acc: {metrics['mean_class_acc']:.4f}")
    if args.save_dir:
        os.makedirs(args.save_dir, exist_ok=True)
        with open(os.path.join(args.save_dir, "metrics.json"), "w", encoding="utf-8") as f:
            json.dump(metrics, f, indent=2)


if __name__ == "__main__":
    run_main(main)
