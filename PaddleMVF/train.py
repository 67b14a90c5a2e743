"""Train MVF (TSN ResNet-50 + MVF) on UCF-101 rawframes.

    python train.py --config configs/mvf_r50_16x4_ucf101.yaml --dataset_root data/ucf101 --split 1 \
        --pretrained pretrained/paddle_mvf.pdparams --batch_size 16 --max_epochs 50

Every input (flags, config, list files, frame folders, labels, --pretrained, --resume) is checked before the
run writes anything; then <save_dir>/latest/ is written after each epoch and <save_dir>/best_model/ on a new
best val mean class accuracy, each with the resolved config.yaml beside the weights.
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay

import argparse
import os

import paddle

from models import build_model
from utils import UserError, check_flag, from_root, get_logger, run_main, seed_everything, set_device, str2bool
from utils.atomic_io import clean_stale
from utils.checkpoint import load_weights
from utils.config import DEFAULT_CONFIG, load_config
from utils.engine import Run, build_loaders, build_optimizer, evaluate, resume, save, train_one_epoch
from utils.fail_fast import guarded
from utils.precise_bn import precise_bn


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=DEFAULT_CONFIG, help="yaml config (default: configs/mvf_r50_16x4_ucf101.yaml "
                                                            "of this folder)")
    p.add_argument("--dataset_root", default=None, help="folder with the list files and the frames (data.dataset_root)")
    p.add_argument("--split", type=int, choices=(1, 2, 3), default=None, help="UCF-101 split (data.split)")
    p.add_argument("--pretrained", default=None,
                   help=".pdparams to fine-tune from (ours, the seed's, or written by tools/convert_weights.py from "
                        "MVFNet's K400 or torchvision's .pth); '' starts from scratch (train.pretrained)")
    p.add_argument("--batch_size", type=int, default=None, help="per card (train.batch_size)")
    p.add_argument("--max_epochs", type=int, default=None, help="train.max_epochs")
    p.add_argument("--max_iters", type=int, default=None, help="stop after this many iterations in total (TIPC)")
    p.add_argument("--learning_rate", type=float, default=None, help="train.learning_rate")
    p.add_argument("--num_workers", type=int, default=None, help="loader processes (train.num_workers)")
    p.add_argument("--log_iters", type=int, default=10)
    p.add_argument("--eval_interval", type=int, default=None, help="epochs between evaluations (train.eval_interval)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save_dir", default=from_root("output"), help="default: output/ of this folder")
    p.add_argument("--resume", default=None, help="<save_dir>/latest of an earlier run")
    p.add_argument("--device", choices=("cpu", "gpu"), default=None, help="default: gpu when present")
    p.add_argument("--amp", type=str2bool, default=False, help="float16 autocast (GPU only)")
    p.add_argument("--use_vdl", type=str2bool, default=False, help="VisualDL scalars in <save_dir>/vdl")
    p.add_argument("--label_smoothing", type=float, default=None, help="train.label_smoothing")
    p.add_argument("--clip_norm", type=float, default=None, help="per-tensor gradient clip, 0 = off (train.clip_norm)")
    p.add_argument("--precise_bn_iters", type=int, default=None, help="0 = off (train.precise_bn_iters)")
    return p.parse_args(argv)


def config_overrides(args: argparse.Namespace) -> dict:
    """The config keys the flags set (None: keep the config's value); flag paths are the user's (absolute)."""
    path = os.path.abspath if args.pretrained else (lambda v: v)
    return {"data.dataset_root": args.dataset_root and os.path.abspath(args.dataset_root), "data.split": args.split,
            "train.pretrained": None if args.pretrained is None else path(args.pretrained),
            "train.batch_size": args.batch_size, "train.max_epochs": args.max_epochs,
            "train.learning_rate": args.learning_rate, "train.num_workers": args.num_workers,
            "train.eval_interval": args.eval_interval, "train.label_smoothing": args.label_smoothing,
            "train.clip_norm": args.clip_norm, "train.precise_bn_iters": args.precise_bn_iters}


def setup(args: argparse.Namespace) -> tuple:
    """Everything that can fail on a user's input, before the run writes anything: flags, config, data, weights,
    resume state. Returns (run, train loader, val loader, notes to log)."""
    check_flag(args.log_iters, "--log_iters")
    check_flag(args.max_iters, "--max_iters")
    cfg = load_config(args.config, config_overrides(args))
    cfg["train"]["pretrained"] = cfg["train"]["pretrained"] or None  # '' = from scratch
    if set_device(args.device) != "gpu" and args.amp:
        raise UserError("--amp True needs a GPU, the command line, pass --amp False or --device gpu")
    world = paddle.distributed.get_world_size()
    if world > 1:
        paddle.distributed.init_parallel_env()
    seed_everything(args.seed)
    train_loader, val_loader = build_loaders(cfg, args.seed, world)
    model = build_model(cfg["model"])
    notes = []
    if cfg["train"]["pretrained"] and not args.resume:
        load_weights(model, cfg["train"]["pretrained"], finetune=True, log=notes.append)
    scheduler, optimizer = build_optimizer(model, cfg["train"], len(train_loader))
    total = len(train_loader) * cfg["train"]["max_epochs"]
    run = Run(cfg, model, optimizer, scheduler, args.save_dir, min(total, args.max_iters or total), args.log_iters,
              rank0=paddle.distributed.get_rank() == 0)
    if args.resume:
        resume(run, args.resume)
        notes.append(f"resumed from {args.resume} after epoch {run.epoch}, iteration {run.iteration}")
    run.net = paddle.DataParallel(model) if world > 1 else model
    run.scaler = paddle.amp.GradScaler() if args.amp else None
    return run, train_loader, val_loader, notes


def end_of_epoch(run: Run, train_loader, val_loader, last: bool) -> None:
    """PreciseBN every precise_bn_interval epochs, evaluation every eval_interval epochs and at the end, then the
    checkpoints (rank 0 alone)."""
    t = run.cfg["train"]
    if not run.rank0:
        return
    if t["precise_bn_iters"] and run.epoch % t["precise_bn_interval"] == 0:
        n = precise_bn(run.model, guarded(train_loader), t["precise_bn_iters"])
        run.logger.info(f"PreciseBN: statistics recomputed over {n} batches")
    best = False
    if run.epoch % t["eval_interval"] == 0 or last:
        metrics = evaluate(run.model, val_loader)
        run.logger.info(f"[EVAL] epoch: {run.epoch}, videos: {metrics['num_videos']}, top1: {metrics['top1']:.4f}, "
                        f"top5: {metrics['top5']:.4f}, mean_class_acc: {metrics['mean_class_acc']:.4f}")
        if run.vdl:
            for k, v in metrics.items():
                run.vdl.add_scalar(f"eval/{k}", v, run.epoch)
        best = metrics["mean_class_acc"] > run.best_metric
        if best:
            run.best_metric = metrics["mean_class_acc"]
    save(run, best)
    if best:
        run.logger.info(f"new best mean_class_acc {run.best_metric:.4f}: saved {run.save_dir}/best_model")


def main(argv=None) -> None:
    args = parse_args(argv)
    run, train_loader, val_loader, notes = setup(args)
    if run.rank0:  # the inputs are valid: from here on the run writes
        clean_stale(args.save_dir)
    run.logger = get_logger(os.path.join(args.save_dir, "train.log") if run.rank0 else None)
    for note in notes if run.rank0 else []:
        run.logger.info(note)
    if args.use_vdl and run.rank0:
        from visualdl import LogWriter
        run.vdl = LogWriter(os.path.join(args.save_dir, "vdl"))
    max_epochs = run.cfg["train"]["max_epochs"]
    for epoch in range(run.epoch + 1, max_epochs + 1):
        if run.iteration >= run.total_iters:
            break
        seed_everything(args.seed + epoch)  # exact resume: every epoch's randomness depends on (seed, epoch) only
        train_one_epoch(run, train_loader, epoch)
        run.epoch = epoch
        end_of_epoch(run, train_loader, val_loader, epoch == max_epochs or run.iteration >= run.total_iters)
    if run.vdl:
        run.vdl.close()
    if run.rank0:
        run.logger.info(f"training done: {run.iteration} iterations, best mean_class_acc {run.best_metric:.4f}")


if __name__ == "__main__":
    run_main(main)
