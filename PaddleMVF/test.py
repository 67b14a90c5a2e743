"""Evaluate a checkpoint on a UCF-101 split: top-1, top-5 and mean class accuracy.

Default protocol (config): 10 clips x ThreeCrop(256) = 30 views of 16 frames, fcn testing, softmax mean.

    python test.py --config configs/mvf_r50_16x4_ucf101.yaml --dataset_root data/ucf101 --split 1 \
        --pretrained output/best_model/model.pdparams
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from datasets import build_dataset, build_loader  # noqa: E402
from models import build_model, predict_scores  # noqa: E402
from utils import DEFAULT_CONFIG, default_device, from_root, load_config, run_main, set_device, str2bool  # noqa: E402
from utils.checkpoint import load_weights  # noqa: E402
from utils.metrics import evaluate  # noqa: E402


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=DEFAULT_CONFIG, help="default: configs/mvf_r50_16x4_ucf101.yaml of this folder")
    p.add_argument("--dataset_root", default=None)
    p.add_argument("--split", type=int, choices=(1, 2, 3), default=None)
    p.add_argument("--pretrained", default=from_root("output/best_model/model.pdparams"),
                   help="a .pdparams (default: output/best_model/model.pdparams of this folder)")
    p.add_argument("--batch_size", type=int, default=1, help="videos per batch (each has all its views)")
    p.add_argument("--num_workers", type=int, default=0)
    p.add_argument("--test_clips", type=int, default=None)
    p.add_argument("--test_crop", choices=("three", "center"), default=None)
    p.add_argument("--fcn_testing", type=str2bool, default=None)
    p.add_argument("--device", choices=("cpu", "gpu"), default=None)
    p.add_argument("--save_dir", default=None, help="write metrics.json here")
    args = p.parse_args(argv)
    cfg = load_config(args.config)
    d, m = cfg["data"], cfg["model"]
    for key, value in (("dataset_root", args.dataset_root), ("split", args.split),
                       ("test_clips", args.test_clips), ("test_crop", args.test_crop)):
        if value is not None:
            d[key] = value
    if args.fcn_testing is not None:
        m["fcn_testing"] = args.fcn_testing
    set_device(args.device or default_device())
    dataset = build_dataset(d, d["dataset_root"], d["split"], "test", m["num_classes"])
    model = build_model(m)
    load_weights(model, args.pretrained, m.get("mvf_freq", (0, 0, 1, 1)))
    scores, labels = predict_scores(model, build_loader(dataset, args.batch_size, False, args.num_workers))
    metrics = evaluate(scores, labels)
    metrics["num_videos"] = int(len(labels))
    print(f"[TEST] split {d['split']}, {len(labels)} videos: top1: {metrics['top1']:.4f}, "
          f"top5: {metrics['top5']:.4f}, mean_class_acc: {metrics['mean_class_acc']:.4f}")
    if args.save_dir:
        os.makedirs(args.save_dir, exist_ok=True)
        with open(os.path.join(args.save_dir, "metrics.json"), "w") as f:
            json.dump(metrics, f, indent=2)


if __name__ == "__main__":
    run_main(main)
