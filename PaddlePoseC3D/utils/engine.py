"""The training loop in named steps, the same six in every folder of this repository: build_loaders,
build_optimizer, resume, train_one_epoch, evaluate, save. train.py parses its flags, loads the config and calls
them in that order; test.py calls build_loader + evaluate.
"""
from __future__ import annotations

import datetime
import math
import os
import time
from dataclasses import dataclass, field
from typing import Any, Optional

import numpy as np
import paddle
import paddle.nn.functional as F
from tqdm import tqdm

from datasets.pose_dataset import build_dataset
from models.recognizer3d import average_views
from utils import UserError, show_progress
from utils.atomic_io import save_dir_atomic
from utils.checkpoint import optimizer_state_by_structure, optimizer_state_for, read_resume, rng_state, set_rng_state
from utils.config import CONFIG_NAME
from utils.fail_fast import GuardedDataset, guarded
from utils.metrics import evaluate_scores, top_k_accuracy


@dataclass
class Run:
    """What the loop steps share: the model (and its DataParallel wrapper), optimizer, schedule, where to save,
    and the progress (last finished epoch, iterations, best val top-1)."""
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


def build_loader(dataset, batch_size: int, shuffle: bool, num_workers: int = 0) -> paddle.io.DataLoader:
    """A loader over GuardedDataset(dataset) (a sample that fails to load ends the run with one line, never a
    hang). Training (shuffle): DistributedBatchSampler, which also serves one process and shuffles with
    RandomState(epoch) (set_epoch). Evaluation: a plain sampler over the whole split (rank 0 evaluates alone)."""
    guarded_set = GuardedDataset(dataset)
    if shuffle:
        sampler = paddle.io.DistributedBatchSampler(guarded_set, batch_size=batch_size, shuffle=True)
    else:
        sampler = paddle.io.BatchSampler(guarded_set, batch_size=batch_size, shuffle=False)
    return paddle.io.DataLoader(guarded_set, batch_sampler=sampler, num_workers=num_workers)


def build_loaders(cfg: dict, dataset_root: str, num_workers: int, seed: int) -> tuple:
    """(train loader, val loader) of the pkl; reading and validating every annotation happens here, before the run
    writes anything. The val loader holds 1 clip per video (mmaction2's val_pipeline)."""
    train_set = build_dataset(dataset_root, cfg, "train", seed=seed)
    val_set = build_dataset(dataset_root, cfg, "val")
    return (build_loader(train_set, cfg["train"]["batch_size"], True, num_workers),
            build_loader(val_set, cfg["train"]["test_batch_size"], False, num_workers))


class CosineFactor:
    """mmcv CosineAnnealingLrUpdaterHook (by_epoch=False, min_lr=0): lr = base * (1 + cos(pi * it / total)) / 2."""

    def __init__(self, total_iters: int) -> None:
        self.total_iters = max(total_iters, 1)

    def __call__(self, it: int) -> float:
        return 0.5 * (1 + math.cos(math.pi * min(it, self.total_iters) / self.total_iters))


def build_optimizer(model: paddle.nn.Layer, tcfg: dict, lr: float, iters_per_epoch: int) -> tuple:
    """(scheduler, optimizer) of a config's train section: SGD momentum + coupled L2 weight decay (torch SGD
    weight_decay) + gradient clipping, lr stepped per iteration: `lr_policy: step` x0.1 at the epoch milestones
    (mmcv StepLrUpdaterHook, applied per iteration so a resume mid-epoch stays exact) or `cosine` (mmcv
    CosineAnnealing by_epoch=False over all max_epochs x iters_per_epoch iterations)."""
    if tcfg["lr_policy"] == "cosine":
        scheduler = paddle.optimizer.lr.LambdaDecay(lr, CosineFactor(tcfg["max_epochs"] * iters_per_epoch))
    else:
        scheduler = paddle.optimizer.lr.MultiStepDecay(
            lr, [m * iters_per_epoch for m in tcfg["milestones"]] or [10 ** 12], 0.1)
    clip = paddle.nn.ClipGradByGlobalNorm(tcfg["clip_norm"]) if tcfg["clip_mode"] == "global" \
        else paddle.nn.ClipGradByNorm(tcfg["clip_norm"])  # per tensor, as the seed port
    optimizer = paddle.optimizer.Momentum(scheduler, tcfg["momentum"], parameters=model.parameters(),
                                          weight_decay=paddle.regularizer.L2Decay(tcfg["weight_decay"]),
                                          grad_clip=clip)
    return scheduler, optimizer


def resume(run: Run, resume_dir: str) -> None:
    """Continue where `<save_dir>/latest` stopped: weights, optimizer, schedule, rng state and progress (a
    checkpoint left half-swapped by a kill is recovered first)."""
    model_state, opt_state, state = read_resume(resume_dir, run.cfg["model"]["num_classes"])
    run.model.set_state_dict(model_state)
    run.optimizer.set_state_dict(optimizer_state_for(run.model, opt_state))
    run.scheduler.set_state_dict(state["scheduler"])
    set_rng_state(state["rng"])
    run.epoch, run.iteration, run.best_metric = state["epoch"], state["iteration"], state["best_metric"]


def _log_train(run: Run, epoch: int, step: int, steps: int, loss: float, logits, labels, n: int, costs: list,
               batch: int) -> None:
    top1 = top_k_accuracy(logits.numpy(), labels.numpy(), (1,))[0]
    eta = datetime.timedelta(seconds=int((time.time() - run.started) / max(run.iteration, 1)
                                         * (run.total_iters - run.iteration)))
    lr = run.optimizer.get_lr()
    run.logger.info(f"[TRAIN] epoch: {epoch}/{run.cfg['train']['max_epochs']}, iter: {step}/{steps}, "
                    f"loss: {loss:.4f}, lr: {lr:.6f}, top1: {top1:.4f}, reader_cost: {costs[0] / n:.2f} s, "
                    f"batch_cost: {costs[1] / n:.2f} s, ips: {batch * n / max(costs[1], 1e-9):.1f} samples/s, "
                    f"eta: {eta}")
    if run.vdl:
        run.vdl.add_scalar("train/loss", loss, run.iteration)
        run.vdl.add_scalar("train/lr", lr, run.iteration)


def train_one_epoch(run: Run, loader: paddle.io.DataLoader, epoch: int) -> None:
    """One pass over the loader (or up to run.total_iters). A non-finite loss stops the run with one line naming
    the epoch and iteration; <save_dir>/latest then still holds the last good epoch."""
    loader.dataset.set_epoch(epoch)  # per-sample augmentation seeds (datasets.pose_dataset.PoseDataset)
    loader.batch_sampler.set_epoch(epoch)  # the shuffle
    run.net.train()
    ls, amp = run.cfg["train"]["label_smoothing"], run.scaler is not None
    costs, tic = [0.0, 0.0], time.time()
    steps = len(loader)
    for step, (imgs, labels) in enumerate(tqdm(guarded(loader), total=steps, desc=f"epoch {epoch}", leave=False,
                                               disable=not (run.rank0 and show_progress())), 1):
        costs[0] += time.time() - tic
        imgs = imgs.reshape([-1, *imgs.shape[2:]])
        with paddle.amp.auto_cast(enable=amp):
            logits = run.net(imgs)
            loss = F.cross_entropy(logits, labels, label_smoothing=ls)
        value = float(loss)
        if not math.isfinite(value):
            raise UserError(f"the loss is {value} at epoch {epoch}, iteration {run.iteration + 1} "
                            f"({step}/{steps} of the epoch), training stopped ({run.save_dir}/latest keeps epoch "
                            f"{run.epoch}), lower --learning_rate / train.base_lr or check the data")
        if amp:
            run.scaler.scale(loss).backward()
            run.scaler.minimize(run.optimizer, loss)
        else:
            loss.backward()
            run.optimizer.step()
        run.optimizer.clear_grad()
        run.scheduler.step()
        run.iteration += 1
        costs[1] += time.time() - tic
        tic = time.time()
        if run.rank0 and (step % run.log_iters == 0 or run.iteration == run.total_iters):
            n = run.log_iters if step % run.log_iters == 0 else step % run.log_iters
            _log_train(run, epoch, step, steps, value, logits, labels, n, costs, imgs.shape[0])
            costs = [0.0, 0.0]
        if run.iteration >= run.total_iters:
            break


def precise_bn(model: paddle.nn.Layer, loader: paddle.io.DataLoader, iters: int) -> None:
    """Recompute BN running stats as the plain mean over `iters` train batches (seed port's PreciseBN)."""
    bns = [m for m in model.sublayers() if isinstance(m, paddle.nn.BatchNorm3D)]
    moms = [bn._momentum for bn in bns]
    model.train()
    with paddle.no_grad():
        for i, (imgs, _) in enumerate(guarded(loader)):
            if i >= iters:
                break
            for bn in bns:  # cumulative average: new = (i*old + batch) / (i+1)
                bn._momentum = i / (i + 1)
            model(imgs.reshape([-1, *imgs.shape[2:]]))
    for bn, m in zip(bns, moms):
        bn._momentum = m


@paddle.no_grad()
def predict_scores(model: Optional[paddle.nn.Layer], loader: paddle.io.DataLoader, desc: str = "eval",
                   predictor=None) -> tuple:
    """Video-level probabilities (softmax, averaged over each video's views), labels, and the seconds spent
    waiting for data and in the model. `predictor` (numpy views -> per-view probabilities, an exported model from
    utils/inference.py) replaces the dygraph model."""
    if predictor is None:
        model.eval()
    scores, labels, data_s, model_s = [], [], 0.0, 0.0
    tic = time.perf_counter()
    for imgs, label in tqdm(guarded(loader), total=len(loader), desc=desc, leave=False,
                             disable=not show_progress()):
        start = time.perf_counter()
        data_s += start - tic
        views = imgs.shape[1]
        x = imgs.reshape([-1, *imgs.shape[2:]])
        if predictor is None:
            probs = average_views(model(x), views).numpy()
        else:
            out = predictor(x.numpy())
            probs = out.reshape(-1, views, out.shape[-1]).mean(axis=1)
        scores.append(probs)
        labels.append(label.numpy().reshape(-1))
        tic = time.perf_counter()
        model_s += tic - start
    return np.concatenate(scores), np.concatenate(labels), {"data_s": data_s, "model_s": model_s}


def evaluate(model: Optional[paddle.nn.Layer], loader: paddle.io.DataLoader, desc: str = "eval",
             predictor=None, keep_scores: bool = False) -> dict:
    """top1, top5, mean_class_acc over every video of the loader's split, `videos` (their count) and the
    per-video seconds of data loading (the test pipeline's views) and of the model; with keep_scores also the
    `scores` and `labels` arrays."""
    scores, labels, times = predict_scores(model, loader, desc, predictor)
    if not np.isfinite(scores).all():
        raise UserError(f"the model predicts non-finite scores on {int((~np.isfinite(scores)).any(1).sum())} "
                        "videos, the weights are broken (NaN/inf), retrain or pass other weights")
    metrics = dict(evaluate_scores(scores, labels), videos=len(labels),
                   data_s_per_video=times["data_s"] / len(labels), model_s_per_video=times["model_s"] / len(labels))
    if keep_scores:
        metrics.update(scores=scores, labels=labels)
    return metrics


def save(run: Run, best: bool = False) -> None:
    """<save_dir>/latest/ (model.pdparams, model.pdopt, state.json, config.yaml) after the epoch run.epoch, and on
    a new best <save_dir>/best_model/ (model.pdparams, config.yaml); each directory swapped in atomically."""
    weights = run.model.state_dict()
    if best:
        save_dir_atomic(os.path.join(run.save_dir, "best_model"), {"model.pdparams": weights, CONFIG_NAME: run.cfg})
    state = {"epoch": run.epoch, "iteration": run.iteration, "best_metric": run.best_metric,
             "scheduler": run.scheduler.state_dict(), "rng": rng_state()}
    optimizer = optimizer_state_by_structure(run.model, run.optimizer.state_dict())
    save_dir_atomic(os.path.join(run.save_dir, "latest"), {"model.pdparams": weights, "model.pdopt": optimizer,
                                                           "state.json": state, CONFIG_NAME: run.cfg})
