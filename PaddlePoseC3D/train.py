"""Train PoseC3D (SlowOnly-R50 on keypoint heatmap volumes), e.g.
python train.py --dataset_root ucf101.pkl --pretrained res3d_k400.pdparams --max_epochs 12 --batch_size 16 \
    --log_iters 100
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import argparse  # noqa: E402
import datetime  # noqa: E402
import math  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import paddle  # noqa: E402
import paddle.nn.functional as F  # noqa: E402
from tqdm import tqdm  # noqa: E402

from datasets.pose_dataset import build_dataset  # noqa: E402
from models import build_model  # noqa: E402
from utils import get_logger, in_root, load_config, run_main, set_device, set_seed, str2bool  # noqa: E402
from utils.checkpoint import load_pretrained, load_resume, rng_state, save_best, save_latest  # noqa: E402
from utils.engine import build_loader, evaluate  # noqa: E402
from utils.metrics import top_k_accuracy  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=in_root("configs", "posec3d_r50_ucf101_split1.yaml"), help="yaml (relative paths are also looked up in this folder)")
    p.add_argument("--dataset_root", required=True, help="pose pkl ({'split', 'annotations'}), e.g. ucf101.pkl")
    p.add_argument("--pretrained", default=None, help=".pdparams to start from (K400: res3d_k400.pdparams)")
    p.add_argument("--batch_size", type=int, default=None, help="per card (config: 16)")
    p.add_argument("--max_epochs", type=int, default=None, help="config: 12 (each = data.repeat passes)")
    p.add_argument("--max_iters", type=int, default=None, help="stop after this many iterations (TIPC)")
    p.add_argument("--log_iters", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save_dir", default=in_root("output"), help="default: output/ in this folder")
    p.add_argument("--resume", default=None, help="<save_dir>/latest of an earlier run")
    p.add_argument("--learning_rate", type=float, default=None,
                   help="absolute lr; default: train.base_lr scaled by total batch / train.base_batch")
    p.add_argument("--num_workers", type=int, default=0)
    p.add_argument("--device", choices=["cpu", "gpu"], default=None)
    p.add_argument("--amp", type=str2bool, default=False, help="float16 autocast (GPU only)")
    p.add_argument("--use_vdl", type=str2bool, default=False, help="VisualDL scalars in <save_dir>/vdl")
    p.add_argument("--eval_interval", type=int, default=None, help="epochs between evaluations (config: 1)")
    p.add_argument("--split", type=int, choices=[1, 2, 3], default=None, help="UCF-101/HMDB split")
    p.add_argument("--label_smoothing", type=float, default=None, help="seed port: 0.1 (mmaction2: 0)")
    p.add_argument("--fc_lr_mult", type=float, default=None, help="seed port: 5.0 (mmaction2: 1)")
    p.add_argument("--precise_bn_iters", type=int, default=None,
                   help="seed port: 200, after every 2nd and the last epoch (0 = off)")
    return p.parse_args(argv)


class CosineFactor:
    """mmcv CosineAnnealingLrUpdaterHook (by_epoch=False, min_lr=0): lr = base * (1 + cos(pi * it / total)) / 2."""

    def __init__(self, total_iters: int) -> None:
        self.total_iters = max(total_iters, 1)

    def __call__(self, it: int) -> float:
        return 0.5 * (1 + math.cos(math.pi * min(it, self.total_iters) / self.total_iters))


def build_optimizer(model, tcfg: dict, lr: float, iters_per_epoch: int):
    """(scheduler, optimizer) of the config's train section: SGD momentum + coupled L2 weight decay (torch SGD
    weight_decay) + gradient clipping, lr stepped per iteration: `lr_policy: step` (default) x0.1 at the epoch
    milestones (mmcv StepLrUpdaterHook, applied per iteration so a resume mid-epoch stays exact) or `cosine`
    (mmcv CosineAnnealing by_epoch=False over all max_epochs x iters_per_epoch iterations)."""
    if tcfg.get("lr_policy", "step") == "cosine":
        scheduler = paddle.optimizer.lr.LambdaDecay(lr, CosineFactor(tcfg["max_epochs"] * iters_per_epoch))
    else:
        scheduler = paddle.optimizer.lr.MultiStepDecay(
            lr, [m * iters_per_epoch for m in tcfg["milestones"]] or [10 ** 12], 0.1)
    clip = paddle.nn.ClipGradByGlobalNorm(tcfg["clip_norm"]) if tcfg.get("clip_mode", "global") == "global" \
        else paddle.nn.ClipGradByNorm(tcfg["clip_norm"])  # per tensor, as the seed port
    optimizer = paddle.optimizer.Momentum(scheduler, tcfg["momentum"], parameters=model.parameters(),
                                          weight_decay=paddle.regularizer.L2Decay(tcfg["weight_decay"]),
                                          grad_clip=clip)
    return scheduler, optimizer


def precise_bn(model, loader, iters: int) -> None:
    """Recompute BN running stats as the plain mean over `iters` train batches (seed port's PreciseBN)."""
    bns = [m for m in model.sublayers() if isinstance(m, paddle.nn.BatchNorm3D)]
    moms = [bn._momentum for bn in bns]
    model.train()
    with paddle.no_grad():
        for i, (imgs, _) in enumerate(loader):
            if i >= iters:
                break
            for bn in bns:  # cumulative average: new = (i*old + batch) / (i+1)
                bn._momentum = i / (i + 1)
            model(imgs.reshape([-1, *imgs.shape[2:]]))
    for bn, m in zip(bns, moms):
        bn._momentum = m


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config, {"train.batch_size": args.batch_size, "train.max_epochs": args.max_epochs,
                                    "train.eval_interval": args.eval_interval, "data.split": args.split,
                                    "train.label_smoothing": args.label_smoothing,
                                    "model.fc_lr_mult": args.fc_lr_mult,
                                    "train.precise_bn_iters": args.precise_bn_iters})
    tcfg = cfg["train"]
    set_device(args.device)
    world = paddle.distributed.get_world_size()
    if world > 1:
        paddle.distributed.init_parallel_env()
    rank0 = paddle.distributed.get_rank() == 0
    set_seed(args.seed)

    train_set = build_dataset(args.dataset_root, cfg, "train")  # validated before anything is written
    val_set = build_dataset(args.dataset_root, cfg, "val")
    logger = get_logger(args.save_dir if rank0 else None)
    if len({a["label"] for a in train_set.anns}) < 2:
        warnings.warn(f"the training split of {args.dataset_root} holds a single class")
    train_loader = build_loader(train_set, tcfg["batch_size"], True, args.num_workers, args.seed, drop_last=False)
    val_loader = build_loader(val_set, tcfg.get("test_batch_size", 1), False, args.num_workers)

    model = build_model(cfg["model"])
    if args.pretrained:
        load_pretrained(model, args.pretrained, logger)
    iters_per_epoch = len(train_loader)
    lr = args.learning_rate or tcfg["base_lr"] * tcfg["batch_size"] * world / tcfg["base_batch"]
    scheduler, optimizer = build_optimizer(model, tcfg, lr, iters_per_epoch)
    start_epoch, iteration, best = 1, 0, -1.0
    if args.resume:
        state = load_resume(model, optimizer, args.resume)
        start_epoch, iteration, best = state["epoch"] + 1, state["iteration"], state["best_metric"]
        scheduler.set_state_dict(state["scheduler"])
        logger.info(f"resumed from {args.resume} at epoch {state['epoch']}")
    net = paddle.DataParallel(model) if world > 1 else model
    scaler = paddle.amp.GradScaler() if args.amp else None
    vdl = None
    if args.use_vdl and rank0:
        from visualdl import LogWriter
        vdl = LogWriter(os.path.join(args.save_dir, "vdl"))

    max_epochs = tcfg["max_epochs"]
    total_iters = args.max_iters or max_epochs * iters_per_epoch
    ls = tcfg.get("label_smoothing", 0.0)
    t_start = time.time()
    for epoch in range(start_epoch, max_epochs + 1):
        if iteration >= total_iters:
            break
        set_seed(args.seed + epoch)  # exact resume: every epoch's randomness depends on (seed, epoch) only
        train_loader.batch_sampler.set_epoch(epoch)
        if train_loader.worker_init_fn is not None:
            train_loader.worker_init_fn.epoch = epoch
        net.train()
        reader_cost, batch_cost, tic = 0.0, 0.0, time.time()
        bar = tqdm(train_loader, desc=f"epoch {epoch}", leave=False, disable=not rank0)
        for step, (imgs, labels) in enumerate(bar, 1):
            reader_cost += time.time() - tic
            imgs = imgs.reshape([-1, *imgs.shape[2:]])
            with paddle.amp.auto_cast(enable=args.amp):
                logits = net(imgs)
                loss = F.cross_entropy(logits, labels, label_smoothing=ls)
            if scaler:
                scaler.scale(loss).backward()
                scaler.minimize(optimizer, loss)
            else:
                loss.backward()
                optimizer.step()
            optimizer.clear_grad()
            scheduler.step()
            iteration += 1
            batch_cost += time.time() - tic
            tic = time.time()
            if rank0 and (step % args.log_iters == 0 or iteration == total_iters):
                top1 = top_k_accuracy(logits.numpy(), labels.numpy(), (1,))[0]
                n = args.log_iters if step % args.log_iters == 0 else step % args.log_iters
                eta = datetime.timedelta(seconds=int((time.time() - t_start) / max(iteration, 1)
                                                     * (total_iters - iteration)))
                logger.info(f"[TRAIN] epoch: {epoch}/{max_epochs}, iter: {step}/{iters_per_epoch}, "
                            f"loss: {float(loss):.4f}, lr: {optimizer.get_lr():.6f}, top1: {top1:.4f}, "
                            f"reader_cost: {reader_cost / n:.2f} s, batch_cost: {batch_cost / n:.2f} s, "
                            f"ips: {imgs.shape[0] * n / max(batch_cost, 1e-9):.1f} samples/s, eta: {eta}")
                if vdl:
                    vdl.add_scalar("train/loss", float(loss), iteration)
                    vdl.add_scalar("train/lr", optimizer.get_lr(), iteration)
                reader_cost, batch_cost = 0.0, 0.0
            if iteration >= total_iters:
                break
        last = epoch == max_epochs or iteration >= total_iters
        if tcfg.get("precise_bn_iters", 0) and (epoch % 2 == 0 or last):
            precise_bn(model, train_loader, tcfg["precise_bn_iters"])
        if not rank0:
            continue
        if epoch % tcfg.get("eval_interval", 1) == 0 or last:
            metrics = evaluate(model, val_loader)
            logger.info(f"[EVAL] epoch: {epoch}, top1: {metrics['top1']:.4f}, top5: {metrics['top5']:.4f}, "
                        f"mean_class_acc: {metrics['mean_class_acc']:.4f}")
            if vdl:
                for k, v in metrics.items():
                    vdl.add_scalar(f"eval/{k}", v, epoch)
            if metrics["top1"] > best:
                best = metrics["top1"]
                save_best(model, args.save_dir)
                logger.info(f"saved best model (top1 {best:.4f}) to {args.save_dir}/best_model")
        save_latest(model, optimizer, {"epoch": epoch, "iteration": iteration, "best_metric": best,
                                       "scheduler": scheduler.state_dict(), "rng": rng_state(),
                                       "config": cfg}, args.save_dir)
    if rank0:
        logger.info(f"done: {iteration} iterations, best top1 {best:.4f}")
        if vdl:
            vdl.close()


if __name__ == "__main__":
    run_main(main)
