"""The training loop in named steps: build_loaders, build_optimizer, resume, train_one_epoch, evaluate, save.

fit() runs them in order. Everything that can be checked (config, data files, labels, checkpoints) is checked
before anything is written: a bad input leaves no train.log and no half checkpoint. Single card, or one process
per card under paddle.distributed.launch (DistributedBatchSampler for training; rank 0 logs, evaluates on the
whole validation set and saves).
"""
import datetime
import math
import os
import time
from dataclasses import dataclass
from typing import Any, Dict, Optional, Tuple

import numpy as np
import paddle
import paddle.distributed as dist
import paddle.nn.functional as F
from tqdm import tqdm

from datasets.fsd10 import FSD10Dataset, build_loader
from datasets.reader import dataset_files, load_data, load_labels, requirements, split_indices
from datasets.transforms import build_transforms
from models import build_model
from utils.atomic_io import clean_stale, recover_dir, save_dir_atomic
from utils.checkpoint import load_pretrained, load_state_dict, read_json
from utils.common import UserError, get_logger, seed_everything
from utils.fail_fast import guarded
from utils.metrics import classification_metrics, collect_scores


@dataclass
class Options:
    """What train.py's flags decide besides the config."""
    dataset_root: str
    save_dir: str
    pretrained: Optional[str] = None
    resume: Optional[str] = None
    max_iters: Optional[int] = None
    amp: bool = False
    use_vdl: bool = False


@dataclass
class Loaders:
    train: Any            # paddle.io.DataLoader over this rank's share
    sampler: Any          # its DistributedBatchSampler (set_epoch before each epoch)
    val: Optional[Any]    # rank 0: the whole validation set; None on other ranks or with full_train
    source: str           # the training data file


@dataclass
class Trainer:
    """The state one epoch of training needs."""
    cfg: Dict[str, Any]
    model: Any
    net: Any              # model, or paddle.DataParallel(model)
    optimizer: Any
    scheduler: Any
    loaders: Loaders
    logger: Any
    save_dir: str
    max_iters: int
    rank: int = 0
    scaler: Any = None    # paddle.amp.GradScaler with --amp
    vdl: Any = None
    iteration: int = 0
    best: float = -1.0


def labelled_dataset(cfg: dict, dataset_root: str, subset: str, index_subset: Optional[str]) -> FSD10Dataset:
    """Validated files of a subset -> dataset of the samples `index_subset` ('train'/'val' of the i % 7 split,
    None: all)."""
    data_cfg = cfg["data"]
    data_path, label_path = dataset_files(dataset_root, data_cfg, subset)
    data = load_data(data_path, **requirements(cfg))
    labels = load_labels(label_path, len(data), cfg["model"]["num_classes"])
    if index_subset is None:
        index = np.arange(len(data))
    else:
        index = split_indices(len(data), index_subset, index_subset == "train" and data_cfg["full_train"])
    if len(index) == 0:
        raise UserError(f"no {index_subset} sample in {data_path} ({len(data)} samples; the split holds out "
                        "i % 7 == 1 for validation), add samples or pass --full_train True")
    return FSD10Dataset(data, labels, index, build_transforms(cfg), data_path)


def build_loaders(cfg: dict, dataset_root: str, world: int = 1, rank: int = 0) -> Loaders:
    """Validated data -> loaders. FSD-10 holds validation out of train_data (i % 7 == 1, the seed's split);
    NTU configs name separate val files. Only rank 0 evaluates, over every validation sample."""
    tr, data_cfg = cfg["train"], cfg["data"]
    separate_val = bool(data_cfg["val_data_file"])
    train_set = labelled_dataset(cfg, dataset_root, "train", None if separate_val else "train")
    if len(train_set) < tr["batch_size"] * world:
        raise UserError(f"{len(train_set)} training samples for batch size {tr['batch_size']} x {world} card(s), "
                        f"{train_set.source}, lower --batch_size")
    if len(np.unique(train_set.labels[train_set.indices])) < 2:
        print("warning: the training set has a single class, the model cannot learn anything useful")
    train, sampler = build_loader(train_set, tr["batch_size"], True, tr["num_workers"], drop_last=True)
    val = None
    if not data_cfg["full_train"] and rank == 0:
        val_set = labelled_dataset(cfg, dataset_root, "val", None if separate_val else "val")
        val, _ = build_loader(val_set, tr["batch_size"], False, tr["num_workers"], distributed=False)
    return Loaders(train, sampler, val, train_set.source)


def build_optimizer(cfg: dict, model) -> Tuple[Any, Any]:
    """(Momentum optimizer, per-epoch schedule) of the config: CosineAnnealingDecay (stgcn_fsd.yaml: lr 0.05,
    T_max = epochs) or PiecewiseDecay (stgcn_ntucs.yaml: boundaries [30, 40] in epochs, values
    learning_rate x multipliers = [0.1, 0.01, 0.001]); L2 weight decay."""
    tr = cfg["train"]
    sched = tr["lr_scheduler"]
    if sched["name"] == "CosineAnnealingDecay":
        scheduler = paddle.optimizer.lr.CosineAnnealingDecay(tr["learning_rate"], T_max=tr["epochs"])
    else:
        scheduler = paddle.optimizer.lr.PiecewiseDecay(list(sched["boundaries"]),
                                                       [tr["learning_rate"] * m for m in sched["multipliers"]])
    optimizer = paddle.optimizer.Momentum(scheduler, momentum=tr["momentum"], use_nesterov=tr["use_nesterov"],
                                          parameters=model.parameters(),
                                          weight_decay=paddle.regularizer.L2Decay(tr["weight_decay"]))
    return optimizer, scheduler


def _rename_accumulators(state: Dict[str, Any], names: Dict[str, str]) -> Dict[str, Any]:
    """Optimizer state keys are `<parameter name>_<accumulator>_<i>` (batch_norm1d_2.w_0_velocity_0), and Paddle
    numbers parameter names per process: map each to the name given by `names` (structured <-> unique)."""
    out = {}
    for key, value in state.items():
        for old, new in names.items():
            if key.startswith(old + "_"):
                key = new + key[len(old):]
                break
        out[key] = value
    return out


def optimizer_state(model, optimizer) -> Dict[str, Any]:
    """optimizer.state_dict() keyed by the parameters' structured names (backbone.data_bn.weight_velocity_0), so a
    checkpoint resumes in any process, also in the one that wrote it (a notebook)."""
    return _rename_accumulators(optimizer.state_dict(), {p.name: n for n, p in model.named_parameters()})


def load_optimizer_state(model, optimizer, state: Dict[str, Any]) -> None:
    """The inverse of optimizer_state (files keyed by Paddle's own names, as older checkpoints, load as they are)."""
    optimizer.set_state_dict(_rename_accumulators(state, {n: p.name for n, p in model.named_parameters()}))


def resume(checkpoint_dir: str, model, optimizer, scheduler) -> Dict[str, Any]:
    """Restore weights, optimizer and schedule from <save_dir>/latest (a kill between the two renames of a
    checkpoint swap is recovered first); returns state.json (epoch, iteration, best_metric, ...)."""
    checkpoint_dir = checkpoint_dir.rstrip("/")
    if os.path.isfile(checkpoint_dir):  # <save_dir>/latest/model.pdparams given: its directory
        checkpoint_dir = os.path.dirname(checkpoint_dir)
    found = recover_dir(checkpoint_dir)
    state_file = os.path.join(found or checkpoint_dir, "state.json")
    if not os.path.isfile(state_file):
        raise UserError(f"no checkpoint to resume in {checkpoint_dir} (no state.json), pass --resume "
                        "<save_dir>/latest of an earlier run")
    try:
        state = read_json(state_file)
        epoch, iteration, best = int(state["epoch"]), int(state["iteration"]), float(state["best_metric"])
    except (ValueError, KeyError, TypeError) as err:
        raise UserError(f"{state_file} is damaged ({type(err).__name__}: {err}), resume from another checkpoint "
                        "or start again without --resume") from None
    load_pretrained(model, os.path.join(checkpoint_dir, "model.pdparams"), logger=None)
    load_optimizer_state(model, optimizer, load_state_dict(os.path.join(checkpoint_dir, "model.pdopt")))
    scheduler.set_state_dict(state["lr_scheduler"])
    return {**state, "epoch": epoch, "iteration": iteration, "best_metric": best}


def _log_train(t: Trainer, epoch: int, step: int, steps: int, loss: float, top1: float, cost: Tuple[float, float],
               window: int, batch: int) -> None:
    epochs = t.cfg["train"]["epochs"]
    avg_batch, avg_reader = cost[1] / window, cost[0] / window
    eta = datetime.timedelta(seconds=int((t.max_iters - t.iteration) * avg_batch))
    t.logger.info(f"[TRAIN] epoch: {epoch + 1}/{epochs}, iter: {step}/{steps}, loss: {loss:.4f}, "
                  f"lr: {t.optimizer.get_lr():.6f}, top1: {top1:.4f}, reader_cost: {avg_reader:.3f} s, "
                  f"batch_cost: {avg_batch:.3f} s, ips: {batch / avg_batch:.1f} samples/s, eta: {eta}")
    if t.vdl:
        t.vdl.add_scalar("train/loss", loss, t.iteration)
        t.vdl.add_scalar("train/lr", t.optimizer.get_lr(), t.iteration)


def train_one_epoch(t: Trainer, epoch: int) -> None:
    """One pass over this rank's share (or up to max_iters); a non-finite loss stops the run with one line,
    the last good checkpoint stays in <save_dir>/latest."""
    seed = t.cfg["train"]["seed"]
    # shuffling and any randomness depend only on (seed, epoch), so --resume replays them exactly
    seed_everything(seed + epoch)
    t.loaders.sampler.set_epoch(seed + epoch)
    t.net.train()
    steps, log_iters = len(t.loaders.train), t.cfg["train"]["log_iters"]
    cost, window, tic = [0.0, 0.0], 0, time.time()
    bar = tqdm(guarded(t.loaders.train), total=steps, desc=f"epoch {epoch + 1}/{t.cfg['train']['epochs']}",
               disable=None if t.rank == 0 else True, leave=False)
    for step, (x, y) in enumerate(bar, 1):
        cost[0] += time.time() - tic
        with paddle.amp.auto_cast(enable=t.scaler is not None):
            logits = t.net(x)
            loss = F.cross_entropy(logits, y)
        value = float(loss)
        if not math.isfinite(value):
            raise UserError(f"the loss is {value} at epoch {epoch + 1}, iteration {t.iteration + 1} (step {step} of "
                            f"the epoch), training stopped; the last good checkpoint is "
                            f"{os.path.join(t.save_dir, 'latest')}, lower --learning_rate or check the data")
        if t.scaler:
            scaled = t.scaler.scale(loss)
            scaled.backward()
            t.scaler.minimize(t.optimizer, scaled)
        else:
            loss.backward()
            t.optimizer.step()
        t.optimizer.clear_grad()
        t.iteration += 1
        window += 1
        cost[1] += time.time() - tic
        if t.rank == 0 and (step % log_iters == 0 or step == steps):
            top1 = float((logits.argmax(axis=1) == y.flatten()).astype("float32").mean())
            _log_train(t, epoch, step, steps, value, top1, cost, window, x.shape[0])
            cost, window = [0.0, 0.0], 0
        if t.iteration >= t.max_iters:
            break
        tic = time.time()


def evaluate(model, loader) -> Dict[str, float]:
    """top1, top5 and mean class accuracy over every sample of a loader (eval mode)."""
    return classification_metrics(*collect_scores(model, loader))


def save(save_dir: str, cfg: dict, model, optimizer, scheduler, state: Dict[str, Any], new_best: bool) -> None:
    """<save_dir>/latest (weights, optimizer, state.json, config.yaml) and, on a new best,
    <save_dir>/best_model (weights, config.yaml); each directory swapped in atomically."""
    weights = model.state_dict()
    save_dir_atomic(os.path.join(save_dir, "latest"),
                    {"model.pdparams": weights, "model.pdopt": optimizer_state(model, optimizer),
                     "state.json": {**state, "lr_scheduler": scheduler.state_dict()}, "config.yaml": cfg})
    if new_best:
        save_dir_atomic(os.path.join(save_dir, "best_model"), {"model.pdparams": weights, "config.yaml": cfg})


def _evaluate_and_save(t: Trainer, epoch: int) -> None:
    tr = t.cfg["train"]
    last = epoch + 1 == tr["epochs"] or t.iteration >= t.max_iters
    new_best = t.loaders.val is None  # without validation the latest weights are the ones to keep
    if t.loaders.val is not None and ((epoch + 1) % tr["eval_interval"] == 0 or last):
        metrics = evaluate(t.model, t.loaders.val)
        t.logger.info(f"[EVAL] epoch: {epoch + 1}, top1: {metrics['top1']:.4f}, top5: {metrics['top5']:.4f}, "
                      f"mean_class_acc: {metrics['mean_class_acc']:.4f}")
        if t.vdl:
            for key, value in metrics.items():
                t.vdl.add_scalar(f"eval/{key}", value, epoch + 1)
        if metrics["top1"] > t.best:
            t.best, new_best = metrics["top1"], True
    state = {"epoch": epoch + 1, "iteration": t.iteration, "best_metric": t.best, "seed": tr["seed"]}
    save(t.save_dir, t.cfg, t.model, t.optimizer, t.scheduler, state, new_best)
    if new_best:
        t.logger.info(f"saved best model (top1 {t.best:.4f}) to {os.path.join(t.save_dir, 'best_model')}")
    t.logger.info(f"saved checkpoint to {os.path.join(t.save_dir, 'latest')} (epoch {epoch + 1})")


def fit(cfg: dict, opts: Options) -> Trainer:
    """Validate every input, then train; returns the final trainer state."""
    world, rank = dist.get_world_size(), dist.get_rank()
    if world > 1:
        dist.init_parallel_env()
    seed_everything(cfg["train"]["seed"])
    loaders = build_loaders(cfg, opts.dataset_root, world, rank)
    model = build_model(cfg["model"])
    if opts.pretrained:
        load_pretrained(model, opts.pretrained, new_head_ok=True)
    optimizer, scheduler = build_optimizer(cfg, model)
    start = resume(opts.resume, model, optimizer, scheduler) if opts.resume else {"epoch": 0, "iteration": 0,
                                                                                   "best_metric": -1.0}
    # every input is valid: from here on files are written (rank 0 only)
    log_file = None
    if rank == 0:
        clean_stale(opts.save_dir)
        log_file = os.path.join(opts.save_dir, "train.log")
    logger = get_logger(log_file)
    vdl = None
    if opts.use_vdl and rank == 0:
        from visualdl import LogWriter  # optional dependency, imported only when asked
        vdl = LogWriter(logdir=os.path.join(opts.save_dir, "vdl_log"))
    steps, epochs = len(loaders.train), cfg["train"]["epochs"]
    t = Trainer(cfg, model, paddle.DataParallel(model) if world > 1 else model, optimizer, scheduler, loaders,
                logger, opts.save_dir, opts.max_iters or epochs * steps, rank,
                paddle.amp.GradScaler() if opts.amp else None, vdl,
                start["iteration"], start["best_metric"])
    if opts.resume:
        logger.info(f"resumed from {opts.resume} at epoch {start['epoch']}, iteration {t.iteration}")
    logger.info(f"train {len(loaders.train.dataset)} samples ({world} card(s)), val "
                f"{len(loaders.val.dataset) if loaders.val else 0}, window "
                f"{build_transforms(cfg).window_size or 'as in the files'}, {epochs} epochs x {steps} iters")
    for epoch in range(start["epoch"], epochs):
        if t.iteration >= t.max_iters:
            break
        train_one_epoch(t, epoch)
        scheduler.step()  # per epoch, as PaddleVideo
        if rank == 0:
            _evaluate_and_save(t, epoch)
    if vdl:
        vdl.close()
    return t
