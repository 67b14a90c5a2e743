"""The training loop in named steps, the same six in every folder of this repository: build_loaders,
build_optimizer, resume, train_one_epoch, evaluate, save. train.py parses its flags, loads the config and calls
them in that order; test.py calls build_loader + evaluate.
"""
import math
import os
import sys
import time
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Optional

import numpy as np
import paddle
import paddle.nn.functional as F
from tqdm import tqdm

from datasets import build_dataset
from models import average_views
from utils import UserError, rng_state, set_rng_state
from utils.atomic_io import save_dir_atomic
from utils.checkpoint import read_resume
from utils.config import CONFIG_NAME
from utils.fail_fast import GuardedDataset, guarded
from utils.lr import WarmupCosine
from utils.metrics import evaluate_scores


@dataclass
class Run:
    """What the loop steps share: the config, model (and its DataParallel wrapper), optimizer, schedule, where
    to save, and the progress (last finished epoch, iterations, best val mean class accuracy)."""
    cfg: dict
    model: paddle.nn.Layer
    optimizer: Any
    scheduler: Any
    save_dir: str
    total_iters: int
    log_iters: int = 10
    net: Optional[paddle.nn.Layer] = None
    scaler: Any = None
    logger: Any = None
    vdl: Any = None
    rank0: bool = True
    epoch: int = 0
    iteration: int = 0
    best_metric: float = -1.0
    started: float = field(default_factory=time.time)


def build_loader(dataset, batch_size: int, train: bool, num_workers: int = 0, seed: int = 0) -> paddle.io.DataLoader:
    """A loader over GuardedDataset(dataset): a sample that fails to load ends the run with one `error:` line
    naming it, never a hang. Training: a DistributedBatchSampler (one replica outside a launch) whose shuffle
    depends only on the epoch (set_epoch), and worker i of epoch e seeded with seed + 1000 * e + i, so a resumed
    run sees the same batches. Evaluation: every sample in order, unsharded (rank 0 evaluates alone)."""
    guarded_set = GuardedDataset(dataset)
    if train:
        sampler = paddle.io.DistributedBatchSampler(guarded_set, batch_size, shuffle=True, drop_last=True)
    else:
        sampler = paddle.io.BatchSampler(guarded_set, batch_size=batch_size, shuffle=False, drop_last=False)

    def worker_init(worker_id: int) -> None:
        np.random.seed((seed + 1000 * getattr(sampler, "epoch", 0) + worker_id) % 2 ** 32)

    return paddle.io.DataLoader(guarded_set, batch_sampler=sampler, num_workers=num_workers,
                                worker_init_fn=worker_init if num_workers > 0 else None)


def build_loaders(cfg: dict, seed: int, world: int = 1) -> tuple:
    """(train loader, val loader) of the config's split; every list file, frame folder and label is validated
    here, before the run writes anything. The val loader holds 1 clip per video (MVFNet's val_pipeline)."""
    t = cfg["train"]
    train_set = build_dataset(cfg, "train")
    val_set = build_dataset(cfg, "val")
    if len(train_set) < t["batch_size"] * world:
        raise UserError(f"{len(train_set)} training videos < batch_size {t['batch_size']} x {world} cards, "
                        "lower --batch_size")
    return (build_loader(train_set, t["batch_size"], True, t["num_workers"], seed),
            build_loader(val_set, t["batch_size"], False, t["num_workers"], seed))


def build_optimizer(model: paddle.nn.Layer, tcfg: dict, iters_per_epoch: int) -> tuple:
    """(scheduler, optimizer): per-iteration linear warm-up + cosine decay (PaddleMVF's CustomWarmupCosineDecay),
    Momentum (nesterov as configured) with L2 weight decay, per-tensor ClipGradByNorm when clip_norm > 0."""
    scheduler = WarmupCosine(tcfg["learning_rate"], iters_per_epoch * tcfg["max_epochs"],
                             iters_per_epoch * tcfg["warmup_epochs"])
    clip = paddle.nn.ClipGradByNorm(tcfg["clip_norm"]) if tcfg["clip_norm"] > 0 else None
    optimizer = paddle.optimizer.Momentum(scheduler, tcfg["momentum"], parameters=model.parameters(),
                                          use_nesterov=tcfg["nesterov"], weight_decay=tcfg["weight_decay"],
                                          grad_clip=clip)
    return scheduler, optimizer


def resume(run: Run, resume_dir: str) -> None:
    """Continue where `<save_dir>/latest` stopped: weights, optimizer, schedule, rng state and progress (a
    checkpoint left half-swapped by a kill is recovered first)."""
    model_state, opt_state, state = read_resume(resume_dir, run.cfg["model"]["num_classes"])
    run.model.set_state_dict(model_state)
    run.optimizer.set_state_dict(opt_state)
    run.scheduler.set_state_dict(state["lr_scheduler"])
    set_rng_state(state)
    run.epoch, run.iteration, run.best_metric = state["epoch"], state["iteration"], state["best_metric"]


def _log_train(run: Run, epoch: int, loss: float, logits, labels, reader_cost: float, batch_cost: float,
               batch: int) -> None:
    top1 = float((logits.argmax(-1) == labels).astype("float32").mean())
    eta = timedelta(seconds=int((time.time() - run.started) / max(run.iteration, 1) * (run.total_iters - run.iteration)))
    lr = run.optimizer.get_lr()
    run.logger.info(f"[TRAIN] epoch: {epoch}/{run.cfg['train']['max_epochs']}, iter: {run.iteration}/{run.total_iters}, "
                    f"loss: {loss:.4f}, lr: {lr:.6f}, top1: {top1:.4f}, reader_cost: {reader_cost:.2f} s, "
                    f"batch_cost: {batch_cost:.2f} s, ips: {batch / max(batch_cost, 1e-9):.1f} samples/s, eta: {eta}")
    if run.vdl:
        run.vdl.add_scalar("train/loss", loss, run.iteration)
        run.vdl.add_scalar("train/lr", lr, run.iteration)


def train_one_epoch(run: Run, loader: paddle.io.DataLoader, epoch: int) -> None:
    """One pass over the loader (or up to run.total_iters); `epoch` is 1-based. A non-finite loss stops the run
    with one line naming the epoch and iteration; <save_dir>/latest then still holds the last good epoch."""
    loader.batch_sampler.set_epoch(epoch - 1)  # the shuffle (and the workers' seeds) depend on the epoch only
    run.net.train()
    ls, amp = run.cfg["train"]["label_smoothing"], run.scaler is not None
    steps = min(len(loader), run.total_iters - run.iteration)
    tic = time.time()
    bar = tqdm(total=steps, desc=f"epoch {epoch}", disable=not run.rank0, file=sys.stderr, leave=False)
    for step, (imgs, labels) in enumerate(guarded(loader), 1):
        reader_cost = time.time() - tic
        labels = labels.reshape([-1])
        with paddle.amp.auto_cast(enable=amp):
            logits = run.net(imgs).mean(axis=1)  # one view per training clip
            loss = F.cross_entropy(logits, labels, label_smoothing=ls)
        value = float(loss)
        if not math.isfinite(value):
            bar.close()
            raise UserError(f"the loss is {value} at epoch {epoch}, iteration {run.iteration + 1} ({step}/{steps} of "
                            f"the epoch), training stopped ({run.save_dir}/latest keeps epoch {run.epoch}), lower "
                            "--learning_rate or check the data")
        if amp:
            run.scaler.scale(loss).backward()
            run.scaler.minimize(run.optimizer, loss)
        else:
            loss.backward()
            run.optimizer.step()
        run.optimizer.clear_grad()
        run.scheduler.step()
        run.iteration += 1
        bar.update(1)
        if run.rank0 and (step % run.log_iters == 0 or run.iteration == run.total_iters):
            _log_train(run, epoch, value, logits, labels, reader_cost, time.time() - tic, imgs.shape[0])
        tic = time.time()
        if run.iteration >= run.total_iters:
            break
    bar.close()


@paddle.no_grad()
def predict_scores(model: paddle.nn.Layer, loader: paddle.io.DataLoader) -> tuple:
    """(view-averaged softmax scores (N, classes), labels (N,)) over an evaluation loader."""
    model.eval()
    scores, labels = [], []
    for imgs, label in guarded(loader):
        scores.append(average_views(model(imgs)).numpy())
        labels.append(label.numpy().reshape(-1))
    return np.concatenate(scores), np.concatenate(labels)


def evaluate(model: paddle.nn.Layer, loader: paddle.io.DataLoader, keep_scores: bool = False) -> dict:
    """top1, top5, mean_class_acc (MVFNet's) over every video of the loader's split, and num_videos (with
    keep_scores, also "scores" (N, classes) and "labels" (N,) as arrays)."""
    scores, labels = predict_scores(model, loader)
    if not np.isfinite(scores).all():
        raise UserError(f"the model predicts non-finite scores on {int((~np.isfinite(scores)).any(1).sum())} "
                        "videos, the weights are broken (NaN/inf), retrain or pass other weights")
    metrics = dict(evaluate_scores(scores, labels), num_videos=int(len(labels)))
    return dict(metrics, scores=scores, labels=labels) if keep_scores else metrics


def save(run: Run, best: bool = False) -> None:
    """<save_dir>/latest/ (model.pdparams, model.pdopt, state.json, config.yaml) after epoch run.epoch, and on a
    new best <save_dir>/best_model/ (model.pdparams, config.yaml); each directory swapped in atomically."""
    weights = run.model.state_dict()
    if best:
        save_dir_atomic(os.path.join(run.save_dir, "best_model"), {"model.pdparams": weights, CONFIG_NAME: run.cfg})
    state = dict(epoch=run.epoch, iteration=run.iteration, best_metric=run.best_metric,
                 lr_scheduler=run.scheduler.state_dict(), **rng_state())
    save_dir_atomic(os.path.join(run.save_dir, "latest"), {"model.pdparams": weights,
                                                           "model.pdopt": run.optimizer.state_dict(),
                                                           "state.json": state, CONFIG_NAME: run.cfg})
