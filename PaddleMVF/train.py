"""Train MVF (TSN ResNet-50 + MVF) on UCF-101 rawframes.

    python train.py --config configs/mvf_r50_16x4_ucf101.yaml --dataset_root data/ucf101 --split 1 \
        --pretrained pretrained/paddle_mvf.pdparams --batch_size 16 --max_epochs 50
"""
import argparse
import json
import os
import sys
import time
from datetime import timedelta

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import paddle  # noqa: E402
import paddle.distributed as dist  # noqa: E402
import paddle.nn.functional as F  # noqa: E402
from tqdm import tqdm  # noqa: E402

from datasets import build_dataset, build_loader  # noqa: E402
from models import build_model, predict_scores  # noqa: E402
from utils import (  # noqa: E402
    DEFAULT_CONFIG,
    UserError,
    default_device,
    from_root,
    get_logger,
    load_config,
    rng_state,
    run_main,
    seed_everything,
    set_device,
    set_rng_state,
    str2bool,
)
from utils.checkpoint import load_weights, save_checkpoint  # noqa: E402
from utils.lr import WarmupCosine  # noqa: E402
from utils.metrics import evaluate  # noqa: E402
from utils.precise_bn import precise_bn  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=DEFAULT_CONFIG, help="yaml config (default: configs/mvf_r50_16x4_ucf101.yaml of this folder)")
    p.add_argument("--dataset_root", default=None, help="folder with rawframes/ and the list files")
    p.add_argument("--split", type=int, choices=(1, 2, 3), default=None)
    p.add_argument("--pretrained", default=None,
                   help=".pdparams (ours, the seed's, or written by tools/convert_weights.py from MVFNet's K400 "
                        "or torchvision's .pth); '' starts from scratch")
    p.add_argument("--batch_size", type=int, default=None)
    p.add_argument("--max_epochs", type=int, default=None)
    p.add_argument("--max_iters", type=int, default=None, help="stop after this many iterations in total")
    p.add_argument("--learning_rate", type=float, default=None)
    p.add_argument("--num_workers", type=int, default=None)
    p.add_argument("--log_iters", type=int, default=10)
    p.add_argument("--eval_interval", type=int, default=None)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save_dir", default=from_root("output"), help="default: output/ of this folder")
    p.add_argument("--resume", default=None, help="<save_dir>/latest")
    p.add_argument("--device", choices=("cpu", "gpu"), default=None)
    p.add_argument("--amp", type=str2bool, default=False)
    p.add_argument("--use_vdl", type=str2bool, default=False)
    p.add_argument("--label_smoothing", type=float, default=None)
    p.add_argument("--clip_norm", type=float, default=None, help="per-tensor gradient clip, 0 = off")
    p.add_argument("--precise_bn_iters", type=int, default=None, help="0 = off")
    return p.parse_args(argv)


def merged_config(args: argparse.Namespace) -> dict:
    cfg = load_config(args.config)
    for key in ("dataset_root", "split"):
        if getattr(args, key) is not None:
            cfg["data"][key] = getattr(args, key)
    for key in ("batch_size", "max_epochs", "learning_rate", "num_workers", "eval_interval",
                "label_smoothing", "clip_norm", "precise_bn_iters", "pretrained"):
        if getattr(args, key) is not None:
            cfg["train"][key] = getattr(args, key)
    return cfg


def main(argv=None) -> None:
    args = parse_args(argv)
    cfg = merged_config(args)
    tcfg, dcfg, mcfg = cfg["train"], cfg["data"], cfg["model"]
    set_device(args.device or default_device())
    world, rank = dist.get_world_size(), dist.get_rank()
    if world > 1:
        dist.init_parallel_env()
    seed_everything(args.seed)
    logger = get_logger(os.path.join(args.save_dir, "train.log") if rank == 0 else None)
    log = logger.info if rank == 0 else (lambda *_: None)

    train_set = build_dataset(dcfg, dcfg["dataset_root"], dcfg["split"], "train", mcfg["num_classes"])
    val_set = build_dataset(dcfg, dcfg["dataset_root"], dcfg["split"], "val", mcfg["num_classes"])
    if len(np.unique(train_set.labels)) < 2:
        log("warning: the training list has a single class, the model cannot learn to discriminate")
    iters_per_epoch = len(train_set) // (tcfg["batch_size"] * world)
    if iters_per_epoch == 0:
        raise UserError(f"{len(train_set)} training videos < batch_size {tcfg['batch_size']} x {world} cards, "
                        "lower --batch_size")

    model = build_model(mcfg)
    if tcfg.get("pretrained") and not args.resume:
        load_weights(model, tcfg["pretrained"], mcfg.get("mvf_freq", (0, 0, 1, 1)), log)
    total_iters = iters_per_epoch * tcfg["max_epochs"]
    if args.max_iters:
        total_iters = min(total_iters, args.max_iters)
    lr = WarmupCosine(tcfg["learning_rate"], iters_per_epoch * tcfg["max_epochs"],
                      iters_per_epoch * tcfg.get("warmup_epochs", 0))
    clip = paddle.nn.ClipGradByNorm(tcfg["clip_norm"]) if tcfg.get("clip_norm") else None
    optimizer = paddle.optimizer.Momentum(lr, tcfg.get("momentum", 0.9), parameters=model.parameters(),
                                          use_nesterov=tcfg.get("nesterov", True),
                                          weight_decay=tcfg.get("weight_decay", 5e-4), grad_clip=clip)
    start_epoch, iteration, best = 0, 0, -1.0
    if args.resume:
        state_file = os.path.join(args.resume, "state.json")
        if not os.path.isfile(state_file):
            raise UserError(f"{state_file} not found, pass --resume <save_dir>/latest")
        model.set_state_dict(paddle.load(os.path.join(args.resume, "model.pdparams")))
        optimizer.set_state_dict(paddle.load(os.path.join(args.resume, "model.pdopt")))
        with open(state_file) as f:
            state = json.load(f)
        start_epoch, iteration, best = state["epoch"], state["iteration"], state["best_metric"]
        lr.set_state_dict(state["lr_scheduler"])
        set_rng_state(state)
        log(f"resumed from {args.resume} at epoch {start_epoch}, iteration {iteration}")
    net = paddle.DataParallel(model) if world > 1 else model
    scaler = paddle.amp.GradScaler() if args.amp else None
    vdl = None
    if args.use_vdl and rank == 0:
        from visualdl import LogWriter
        vdl = LogWriter(os.path.join(args.save_dir, "vdl"))

    for epoch in range(start_epoch, tcfg["max_epochs"]):
        if iteration >= total_iters:
            break
        paddle.seed(args.seed + epoch)  # dropout draws depend only on the epoch (exact resume)
        loader = build_loader(train_set, tcfg["batch_size"], True, tcfg.get("num_workers", 0), args.seed, epoch)
        net.train()
        t_end = time.time()
        bar = tqdm(total=min(iters_per_epoch, total_iters - iteration), desc=f"epoch {epoch + 1}",
                   disable=rank != 0, file=sys.stderr, leave=False)
        for step, (imgs, labels) in enumerate(loader, 1):
            reader_cost = time.time() - t_end
            with paddle.amp.auto_cast(enable=args.amp):
                logits = net(imgs).mean(axis=1)  # one view per training clip
                loss = F.cross_entropy(logits, labels.reshape([-1]), label_smoothing=tcfg.get("label_smoothing", 0.0))
            if scaler:
                scaler.scale(loss).backward()
                scaler.minimize(optimizer, loss)
            else:
                loss.backward()
                optimizer.step()
            optimizer.clear_grad()
            lr.step()
            iteration += 1
            batch_cost = time.time() - t_end
            t_end = time.time()
            bar.update(1)
            if rank == 0 and (step % args.log_iters == 0 or iteration == total_iters):
                top1 = float((logits.argmax(-1) == labels.reshape([-1])).astype("float32").mean())
                eta = timedelta(seconds=int(batch_cost * (total_iters - iteration)))
                log(f"[TRAIN] epoch: {epoch + 1}/{tcfg['max_epochs']}, iter: {iteration}/{total_iters}, "
                    f"loss: {float(loss):.4f}, lr: {optimizer.get_lr():.6f}, top1: {top1:.4f}, "
                    f"reader_cost: {reader_cost:.2f} s, batch_cost: {batch_cost:.2f} s, "
                    f"ips: {imgs.shape[0] / batch_cost:.1f} samples/s, eta: {eta}")
                if vdl:
                    vdl.add_scalar("train/loss", float(loss), iteration)
                    vdl.add_scalar("train/lr", optimizer.get_lr(), iteration)
            if iteration >= total_iters:
                break
        bar.close()
        if rank != 0:
            continue
        if tcfg.get("precise_bn_iters") and (epoch + 1) % tcfg.get("precise_bn_interval", 5) == 0:
            n = precise_bn(model, build_loader(train_set, tcfg["batch_size"], True, 0, args.seed, epoch),
                           tcfg["precise_bn_iters"])
            log(f"PreciseBN: statistics recomputed over {n} batches")
        last = iteration >= total_iters or epoch + 1 == tcfg["max_epochs"]
        if (epoch + 1) % tcfg.get("eval_interval", 1) == 0 or last:
            scores, labels = predict_scores(model, build_loader(val_set, tcfg["batch_size"], False))
            metrics = evaluate(scores, labels)
            log(f"[EVAL] epoch: {epoch + 1}, top1: {metrics['top1']:.4f}, top5: {metrics['top5']:.4f}, "
                f"mean_class_acc: {metrics['mean_class_acc']:.4f}")
            if vdl:
                for k, v in metrics.items():
                    vdl.add_scalar(f"eval/{k}", v, epoch + 1)
            if metrics["mean_class_acc"] > best:
                best = metrics["mean_class_acc"]
                save_checkpoint(os.path.join(args.save_dir, "best_model"), model)
                log(f"new best mean_class_acc {best:.4f}: saved {args.save_dir}/best_model/model.pdparams")
        save_checkpoint(os.path.join(args.save_dir, "latest"), model, optimizer, dict(
            epoch=epoch + 1, iteration=iteration, best_metric=best, lr_scheduler=lr.state_dict(), **rng_state()))
    if vdl:
        vdl.close()
    log(f"training done: {iteration} iterations, best mean_class_acc {best:.4f}")


if __name__ == "__main__":
    run_main(main)
