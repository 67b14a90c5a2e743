"""Evaluate a checkpoint: top-1, top-5, mean class accuracy and a confusion-matrix PNG.

    python test.py --config configs/stgcn_fsd10.yaml --dataset_root data/fsd10 \
        --pretrained output/best_model/model.pdparams
By default it scores the seed's held-out split (i % 7 == 1); --subset all scores every labelled sample.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from datasets.fsd10 import (FSD10Dataset, build_loader, dataset_files, load_data, load_labels,  # noqa: E402
                            requirements, split_indices)
from datasets.transforms import build_transforms  # noqa: E402
from models import build_model  # noqa: E402
from utils.checkpoint import load_pretrained  # noqa: E402
from utils.common import default_device, folder_path, get_logger, load_config, run_main, set_device  # noqa: E402
from utils.metrics import classification_metrics, collect_scores, confusion_matrix, save_confusion_png  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Evaluate ST-GCN on a labelled FSD-10 split")
    p.add_argument("--config", default=folder_path("configs", "stgcn_fsd10.yaml"))
    p.add_argument("--dataset_root", default=folder_path("data", "fsd10"))
    p.add_argument("--pretrained", default=folder_path("output", "best_model", "model.pdparams"))
    p.add_argument("--subset", choices=["val", "all"], default="val",
                   help="val: the config's val files (NTU) or the samples with i %% 7 == 1 (FSD-10); "
                        "all: every sample of the data file")
    p.add_argument("--batch_size", type=int, default=16)
    p.add_argument("--num_workers", type=int, default=0)
    p.add_argument("--device", choices=["cpu", "gpu"], default=None)
    p.add_argument("--save_dir", default=None, help="write metrics.json and confusion_matrix.png here "
                                                    "(default: the checkpoint's directory)")
    return p.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    cfg = load_config(args.config)
    set_device(args.device or default_device())
    logger = get_logger()
    separate_val = args.subset == "val" and bool(cfg["data"].get("val_data_file"))
    data_path, label_path = dataset_files(args.dataset_root, cfg["data"], "val" if separate_val else "train")
    data = load_data(data_path, **requirements(cfg))
    labels = load_labels(label_path, len(data), cfg["model"]["num_classes"])
    index = split_indices(len(data), "val") if args.subset == "val" and not separate_val else np.arange(len(data))
    loader, _ = build_loader(FSD10Dataset(data, labels, index, build_transforms(cfg)), args.batch_size, False,
                             args.num_workers)
    model = build_model(cfg["model"])
    load_pretrained(model, args.pretrained, logger)
    scores, y = collect_scores(model, loader)
    metrics = classification_metrics(scores, y)
    logger.info(f"[EVAL] {len(y)} samples ({args.subset}), top1: {metrics['top1']:.4f}, "
                f"top5: {metrics['top5']:.4f}, mean_class_acc: {metrics['mean_class_acc']:.4f}")
    save_dir = args.save_dir or os.path.dirname(os.path.abspath(args.pretrained))
    os.makedirs(save_dir, exist_ok=True)
    save_confusion_png(confusion_matrix(scores.argmax(1), y, scores.shape[1]),
                       os.path.join(save_dir, "confusion_matrix.png"))
    with open(os.path.join(save_dir, "metrics.json"), "w", encoding="utf-8") as f:
        json.dump(metrics, f, indent=1)
    logger.info(f"metrics and confusion_matrix.png written to {save_dir}")
    return metrics


if __name__ == "__main__":
    run_main(main)
