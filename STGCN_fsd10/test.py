"""Evaluate a checkpoint: top-1, top-5, mean class accuracy and a confusion-matrix PNG.

    python test.py --dataset_root data/fsd10 --pretrained output/best_model/model.pdparams
The config is the one saved beside the checkpoint (config.yaml), or --config. By default it scores the
seed's held-out split (i % 7 == 1; NTU configs: their val files); --subset all scores every labelled sample.
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # Paddle's import-time note (issue 17)

import os

from datasets.fsd10 import build_loader
from models import build_model
from utils.atomic_io import write_file_atomic
from utils.checkpoint import load_pretrained
from utils.common import ArgumentParser, folder_path, get_logger, positive_int, run_main, set_device
from utils.config import class_names, load_config, resolve_config
from utils.engine import labelled_dataset
from utils.metrics import classification_metrics, collect_scores, confusion_matrix, save_confusion_png


def parse_args(argv=None):
    p = ArgumentParser(prog="test.py", description="Evaluate ST-GCN on a labelled FSD-10 split")
    p.add_argument("--config", default=None, help="default: the config.yaml beside --pretrained")
    p.add_argument("--dataset_root", default=folder_path("data", "fsd10"))
    p.add_argument("--pretrained", default=folder_path("output", "best_model", "model.pdparams"))
    p.add_argument("--subset", choices=["val", "all"], default="val",
                   help="val: the config's val files (NTU) or the samples with i %% 7 == 1 (FSD-10); "
                        "all: every sample of the data file")
    p.add_argument("--batch_size", type=positive_int, default=16)
    p.add_argument("--num_workers", type=int, default=0)
    p.add_argument("--device", choices=["cpu", "gpu"], default=None)
    p.add_argument("--save_dir", default=None, help="write metrics.json and confusion_matrix.png here "
                                                    "(default: the checkpoint's directory)")
    return p.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    cfg = load_config(resolve_config(args.config, args.pretrained, "--pretrained"))
    set_device(args.device)
    separate_val = bool(cfg["data"]["val_data_file"])
    index_subset = "val" if args.subset == "val" and not separate_val else None
    dataset = labelled_dataset(cfg, args.dataset_root, "val" if args.subset == "val" else "train", index_subset)
    loader, _ = build_loader(dataset, args.batch_size, False, args.num_workers, distributed=False)
    model = build_model(cfg["model"])
    logger = get_logger()
    load_pretrained(model, args.pretrained, logger)
    scores, y = collect_scores(model, loader)
    metrics = classification_metrics(scores, y)
    logger.info(f"[EVAL] {len(y)} samples ({args.subset}), top1: {metrics['top1']:.4f}, "
                f"top5: {metrics['top5']:.4f}, mean_class_acc: {metrics['mean_class_acc']:.4f}")
    save_dir = args.save_dir or os.path.dirname(os.path.abspath(args.pretrained))
    os.makedirs(save_dir, exist_ok=True)
    save_confusion_png(confusion_matrix(scores.argmax(1), y, scores.shape[1]),
                       os.path.join(save_dir, "confusion_matrix.png"), class_names(cfg))
    write_file_atomic(os.path.join(save_dir, "metrics.json"), metrics)
    logger.info(f"metrics and confusion_matrix.png written to {save_dir}")
    return metrics


if __name__ == "__main__":
    run_main(main)
