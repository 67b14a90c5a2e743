"""Train ST-GCN on FSD-10 (single card, or multi-card under paddle.distributed.launch).

    python train.py --config configs/stgcn_fsd10.yaml --dataset_root data/fsd10
"""
import argparse
import datetime
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import paddle  # noqa: E402
import paddle.distributed as dist  # noqa: E402
import paddle.nn.functional as F  # noqa: E402
from tqdm import tqdm  # noqa: E402

from datasets.fsd10 import (FSD10Dataset, build_loader, dataset_files, load_data, load_labels,  # noqa: E402
                            requirements, split_indices)
from datasets.transforms import build_transforms, set_window_size  # noqa: E402
from models import build_model  # noqa: E402
from utils.checkpoint import load_pretrained, load_state_dict, read_json, save_dir_atomic  # noqa: E402
from utils.common import (UserError, default_device, folder_path, get_logger, load_config, run_main,  # noqa: E402
                          seed_everything, set_device, str2bool)
from utils.metrics import classification_metrics, collect_scores  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Train ST-GCN on FSD-10")
    p.add_argument("--config", default=folder_path("configs", "stgcn_fsd10.yaml"))
    p.add_argument("--dataset_root", default=folder_path("data", "fsd10"),
                   help="dir with train_data.npy and train_label.npy")
    p.add_argument("--pretrained", default=None, help="model.pdparams to start from")
    p.add_argument("--batch_size", type=int, default=None, help="per card (config: train.batch_size)")
    p.add_argument("--max_epochs", type=int, default=None, help="config: train.epochs")
    p.add_argument("--max_iters", type=int, default=None, help="stop after this many iterations in total")
    p.add_argument("--log_iters", type=int, default=None)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--save_dir", default=folder_path("output"))
    p.add_argument("--resume", default=None, help="<save_dir>/latest to continue from")
    p.add_argument("--learning_rate", type=float, default=None)
    p.add_argument("--num_workers", type=int, default=None)
    p.add_argument("--device", choices=["cpu", "gpu"], default=None)
    p.add_argument("--amp", type=str2bool, default=False, help="mixed precision (GPU only)")
    p.add_argument("--use_vdl", type=str2bool, default=False, help="VisualDL scalars in <save_dir>/vdl_log")
    p.add_argument("--eval_interval", type=int, default=None, help="evaluate every N epochs")
    p.add_argument("--window_size", type=int, default=None,
                   help="AutoPadding window (config: window_size of AutoPadding in data.transforms)")
    p.add_argument("--full_train", type=str2bool, default=None,
                   help="train on all samples, no validation (config: data.full_train)")
    return p.parse_args(argv)


def merge_args(cfg: dict, args: argparse.Namespace) -> dict:
    """CLI flags override the config."""
    tr, data = cfg["train"], cfg["data"]
    for flag, section, key in [("batch_size", tr, "batch_size"), ("max_epochs", tr, "epochs"),
                               ("log_iters", tr, "log_iters"), ("seed", tr, "seed"),
                               ("learning_rate", tr, "learning_rate"), ("num_workers", tr, "num_workers"),
                               ("eval_interval", tr, "eval_interval"), ("full_train", data, "full_train")]:
        if getattr(args, flag) is not None:
            section[key] = getattr(args, flag)
    if args.window_size is not None:
        set_window_size(cfg, args.window_size)
    return cfg


def build_scheduler(tr: dict):
    """The config's schedule, stepped once per epoch as PaddleVideo: CosineAnnealingDecay (stgcn_fsd.yaml:
    lr 0.05, T_max = epochs) or PiecewiseDecay (stgcn_ntucs.yaml: boundaries [30, 40] in epochs, values
    [0.1, 0.01, 0.001]). --learning_rate replaces the first value and scales the others with it."""
    sched = dict(tr.get("lr_scheduler") or {"name": "CosineAnnealingDecay"})
    name = sched.pop("name", "CosineAnnealingDecay")
    if name == "CosineAnnealingDecay":
        return paddle.optimizer.lr.CosineAnnealingDecay(tr["learning_rate"], T_max=sched.get("T_max", tr["epochs"]))
    if name == "PiecewiseDecay":
        values = [float(v) for v in sched["values"]]
        scale = tr["learning_rate"] / values[0] if tr.get("learning_rate") else 1.0
        return paddle.optimizer.lr.PiecewiseDecay(list(sched["boundaries"]), [v * scale for v in values])
    raise UserError(f"unknown train.lr_scheduler name {name!r}, {tr.get('_path', 'the config')}, "
                    "use CosineAnnealingDecay or PiecewiseDecay")


def format_eta(seconds: float) -> str:
    return str(datetime.timedelta(seconds=int(seconds)))


def build_loaders(cfg: dict, dataset_root: str, world: int, rank: int, logger) -> tuple:
    """Validated data -> (train loader, its sampler, validation loader or None). Only rank 0 evaluates."""
    tr, data_cfg = cfg["train"], cfg["data"]
    req = requirements(cfg)
    data_path, label_path = dataset_files(dataset_root, data_cfg)
    data = load_data(data_path, **req)
    labels = load_labels(label_path, len(data), cfg["model"]["num_classes"])
    full_train = data_cfg.get("full_train", False)
    separate_val = bool(data_cfg.get("val_data_file"))  # NTU: val_data.npy; FSD-10: held out of train_data
    train_idx = split_indices(len(data), "train", full_train or separate_val)
    if len(np.unique(labels[train_idx])) < 2:
        logger.warning("warning: the training set has a single class, the model cannot learn anything useful")
    transform = build_transforms(cfg)
    train_set = FSD10Dataset(data, labels, train_idx, transform)
    if len(train_set) < tr["batch_size"] * world:
        raise UserError(f"{len(train_set)} training samples for batch size {tr['batch_size']} x {world} cards, "
                        f"{data_path}, lower --batch_size")
    train_loader, train_sampler = build_loader(train_set, tr["batch_size"], True, tr.get("num_workers", 0),
                                               drop_last=True)
    val_loader = None
    if not full_train and rank == 0:
        if separate_val:
            val_path, val_label_path = dataset_files(dataset_root, data_cfg, "val")
            val_data = load_data(val_path, **req)
            val_labels = load_labels(val_label_path, len(val_data), cfg["model"]["num_classes"])
            val_set = FSD10Dataset(val_data, val_labels, np.arange(len(val_data)), transform)
        else:
            val_set = FSD10Dataset(data, labels, split_indices(len(data), "val"), transform)
        val_loader, _ = build_loader(val_set, tr["batch_size"], False, tr.get("num_workers", 0))
    return train_loader, train_sampler, val_loader


def resume_from(checkpoint_dir: str, model, optimizer, scheduler) -> tuple:
    """Restore weights, optimizer and schedule from <save_dir>/latest; return (epoch, iteration, best)."""
    state_file = os.path.join(checkpoint_dir, "state.json")
    if not os.path.isfile(state_file):
        raise UserError(f"no state.json in {checkpoint_dir}, pass --resume <save_dir>/latest")
    state = read_json(state_file)
    model.set_state_dict(load_state_dict(os.path.join(checkpoint_dir, "model.pdparams")))
    optimizer.set_state_dict(load_state_dict(os.path.join(checkpoint_dir, "model.pdopt")))
    scheduler.set_state_dict(state["lr_scheduler"])
    return state["epoch"], state["iteration"], state["best_metric"]


def main(argv=None) -> None:
    args = parse_args(argv)
    cfg = merge_args(load_config(args.config), args)
    tr = cfg["train"]
    device = args.device or default_device()
    if args.amp and device != "gpu":
        raise UserError("--amp True needs a GPU, drop it or pass --device gpu on a GPU machine")
    set_device(device)
    world, rank = dist.get_world_size(), dist.get_rank()
    if world > 1:
        dist.init_parallel_env()
    logger = get_logger(os.path.join(args.save_dir, "train.log") if rank == 0 else None)
    seed = tr.get("seed", 0)
    seed_everything(seed)

    train_loader, train_sampler, val_loader = build_loaders(cfg, args.dataset_root, world, rank, logger)
    model = build_model(cfg["model"])
    if args.pretrained:
        load_pretrained(model, args.pretrained, logger, new_head_ok=True)
    epochs = tr["epochs"]
    scheduler = build_scheduler(tr)
    optimizer = paddle.optimizer.Momentum(scheduler, momentum=tr.get("momentum", 0.9),
                                          use_nesterov=tr.get("use_nesterov", False),
                                          parameters=model.parameters(),
                                          weight_decay=paddle.regularizer.L2Decay(tr.get("weight_decay", 1e-4)))
    start_epoch, iteration, best = 0, 0, -1.0
    if args.resume:
        start_epoch, iteration, best = resume_from(args.resume, model, optimizer, scheduler)
        logger.info(f"resumed from {args.resume} at epoch {start_epoch}, iteration {iteration}")
    net = paddle.DataParallel(model) if world > 1 else model
    scaler = paddle.amp.GradScaler() if args.amp else None
    vdl = None
    if args.use_vdl and rank == 0:
        from visualdl import LogWriter  # optional dependency, imported only when asked
        vdl = LogWriter(logdir=os.path.join(args.save_dir, "vdl_log"))

    iters_per_epoch = len(train_loader)
    max_iters = args.max_iters or epochs * iters_per_epoch
    log_iters = tr.get("log_iters", 10)
    logger.info(f"train {len(train_loader.dataset)} samples ({world} card(s)), val "
                f"{len(val_loader.dataset) if val_loader else 0}, "
                f"window {build_transforms(cfg).window_size or 'as in the files'}, "
                f"{epochs} epochs x {iters_per_epoch} iters")
    for epoch in range(start_epoch, epochs):
        if iteration >= max_iters:
            break
        # shuffling and any randomness depend only on (seed, epoch), so --resume replays them exactly
        seed_everything(seed + epoch)
        train_sampler.set_epoch(seed + epoch)
        net.train()
        reader_cost = batch_cost = 0.0
        window = 0  # iterations since the last log line
        tic = time.time()
        bar = tqdm(train_loader, desc=f"epoch {epoch + 1}/{epochs}", disable=None if rank == 0 else True,
                   leave=False)
        for step, (x, y) in enumerate(bar, 1):
            reader_cost += time.time() - tic
            with paddle.amp.auto_cast(enable=args.amp):
                logits = net(x)
                loss = F.cross_entropy(logits, y)
            if scaler:
                scaled = scaler.scale(loss)
                scaled.backward()
                scaler.minimize(optimizer, scaled)
            else:
                loss.backward()
                optimizer.step()
            optimizer.clear_grad()
            iteration += 1
            window += 1
            batch_cost += time.time() - tic
            if rank == 0 and (step % log_iters == 0 or step == iters_per_epoch):
                top1 = float((logits.argmax(axis=1) == y.flatten()).astype("float32").mean())
                avg_batch, avg_reader = batch_cost / window, reader_cost / window
                logger.info(f"[TRAIN] epoch: {epoch + 1}/{epochs}, iter: {step}/{iters_per_epoch}, "
                            f"loss: {float(loss):.4f}, lr: {optimizer.get_lr():.6f}, top1: {top1:.4f}, "
                            f"reader_cost: {avg_reader:.3f} s, batch_cost: {avg_batch:.3f} s, "
                            f"ips: {x.shape[0] / avg_batch:.1f} samples/s, "
                            f"eta: {format_eta((max_iters - iteration) * avg_batch)}")
                if vdl:
                    vdl.add_scalar("train/loss", float(loss), iteration)
                    vdl.add_scalar("train/lr", optimizer.get_lr(), iteration)
                reader_cost = batch_cost = 0.0
                window = 0
            if iteration >= max_iters:
                break
            tic = time.time()
        scheduler.step()  # per epoch, as PaddleVideo
        if rank != 0:
            continue
        files = {"model.pdparams": model.state_dict(), "model.pdopt": optimizer.state_dict(),
                 "state.json": {"epoch": epoch + 1, "iteration": iteration, "best_metric": best, "seed": seed,
                                "lr_scheduler": scheduler.state_dict()}}
        last = epoch + 1 == epochs or iteration >= max_iters
        new_best = val_loader is None  # without validation the latest weights are the ones to keep
        if val_loader is not None and ((epoch + 1) % tr.get("eval_interval", 1) == 0 or last):
            metrics = classification_metrics(*collect_scores(model, val_loader))
            logger.info(f"[EVAL] epoch: {epoch + 1}, top1: {metrics['top1']:.4f}, top5: {metrics['top5']:.4f}, "
                        f"mean_class_acc: {metrics['mean_class_acc']:.4f}")
            if vdl:
                for key, value in metrics.items():
                    vdl.add_scalar(f"eval/{key}", value, epoch + 1)
            if metrics["top1"] > best:
                best, new_best = metrics["top1"], True
                files["state.json"]["best_metric"] = best
        save_dir_atomic(os.path.join(args.save_dir, "latest"), files)
        if new_best:
            save_dir_atomic(os.path.join(args.save_dir, "best_model"), {"model.pdparams": model.state_dict()})
            logger.info(f"saved best model (top1 {best:.4f}) to {os.path.join(args.save_dir, 'best_model')}")
        logger.info(f"saved checkpoint to {os.path.join(args.save_dir, 'latest')} (epoch {epoch + 1})")
    if vdl:
        vdl.close()


if __name__ == "__main__":
    run_main(main)
