"""Evaluate a checkpoint on a UCF-101 split: top-1, top-5 and mean class accuracy (MVFNet's).

Default protocol (config): 10 clips x ThreeCrop(256) = 30 views of 16 frames, fcn testing, softmax mean. The
config is the config.yaml beside --pretrained (train.py writes it) unless --config overrides it.

    python test.py --pretrained output/best_model/model.pdparams --dataset_root data/ucf101 --split 1
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay

import argparse
import io
import os

import numpy as np

from datasets import build_dataset
from models import build_model
from utils import check_flag, from_root, run_main, set_device, str2bool
from utils.atomic_io import write_file_atomic
from utils.checkpoint import load_weights
from utils.config import load_config, resolve_config
from utils.engine import build_loader, evaluate


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=None, help="default: config.yaml beside --pretrained")
    p.add_argument("--pretrained", default=from_root("output/best_model/model.pdparams"),
                   help="a .pdparams (default: output/best_model/model.pdparams of this folder)")
    p.add_argument("--dataset_root", default=None, help="data.dataset_root")
    p.add_argument("--split", type=int, choices=(1, 2, 3), default=None, help="data.split")
    p.add_argument("--batch_size", type=int, default=1, help="videos per batch (each has all its views)")
    p.add_argument("--num_workers", type=int, default=0)
    p.add_argument("--test_clips", type=int, default=None, help="data.test_clips")
    p.add_argument("--test_crop", choices=("three", "center"), default=None, help="data.test_crop")
    p.add_argument("--fcn_testing", type=str2bool, default=None, help="model.fcn_testing")
    p.add_argument("--device", choices=("cpu", "gpu"), default=None)
    p.add_argument("--save_dir", default=None, help="write metrics.json and scores.npz (per-video scores, labels) here")
    return p.parse_args(argv)


def main(argv=None) -> None:
    args = parse_args(argv)
    check_flag(args.batch_size, "--batch_size")
    check_flag(args.num_workers, "--num_workers", low=0)
    cfg = load_config(resolve_config(args.config, args.pretrained, "--pretrained"), {
        "data.dataset_root": args.dataset_root and os.path.abspath(args.dataset_root), "data.split": args.split,
        "data.test_clips": args.test_clips, "data.test_crop": args.test_crop, "model.fcn_testing": args.fcn_testing})
    set_device(args.device)
    dataset = build_dataset(cfg, "test")
    model = build_model(cfg["model"])
    load_weights(model, args.pretrained, log=lambda *_: None)
    metrics = evaluate(model, build_loader(dataset, args.batch_size, False, args.num_workers), keep_scores=True)
    scores, labels = metrics.pop("scores"), metrics.pop("labels")
    print(f"[TEST] split {cfg['data']['split']}, {metrics['num_videos']} videos: top1: {metrics['top1']:.4f}, "
          f"top5: {metrics['top5']:.4f}, mean_class_acc: {metrics['mean_class_acc']:.4f}")
    if args.save_dir:
        write_file_atomic(os.path.join(args.save_dir, "metrics.json"), metrics)
        buffer = io.BytesIO()
        np.savez(buffer, scores=scores, labels=labels)  # per video (tools/plots.py confusion)
        write_file_atomic(os.path.join(args.save_dir, "scores.npz"), buffer.getvalue())


if __name__ == "__main__":
    run_main(main)
