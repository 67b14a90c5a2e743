"""The training loop in named steps (the same six names in every folder of the monorepo):
build_loaders, build_optimizer, resume, train_one_epoch, evaluate, save. train.py wires them together.

Multi-card (paddle.distributed.launch): the training set is split across ranks by DistributedBatchSampler (same
global batches as one card with the total batch); rank 0 alone logs, evaluates over the WHOLE val set and saves."""
import json
import math
import os
import time
from dataclasses import dataclass, field
from typing import Any, Dict, Optional, Tuple

import numpy as np
import paddle
from paddle.io import BatchSampler, DataLoader, DistributedBatchSampler
from tqdm import tqdm

from datasets.coco_crops import CocoCropDataset
from models.decode import decode_labels, movenet_decode
from utils import UserError, input_path, rng_state, set_rng_state
from utils.atomic_io import recover_dir, save_dir_atomic
from utils.checkpoint import load_weights
from utils.config import CONFIG_NAME, to_dict
from utils.fail_fast import GuardedDataset, guarded
from utils.metrics import KeypointMetric, joint_correct

CHECKPOINT_FILES = ('model.pdparams', 'model.pdopt', 'state.json')


def guarded_batches(loader: DataLoader):
    """fail_fast.guarded(loader), also when Paddle reports the worker that stopped on a bad sample as "DataLoader
    process (pid N) exited unexpectedly with code 2" (its SIGCHLD handler) instead of "Blocking queue is killed":
    the worker printed the error line, this process ends with status 2 without a traceback."""
    try:
        yield from guarded(loader)
    except SystemError as err:
        if 'exited unexpectedly with code 2' in str(err):
            raise SystemExit(2) from None
        raise


def progress(iterable, **kwargs):
    """A tqdm bar in a terminal or a notebook; none in logs (a redirected stderr), where the bar's carriage returns
    would run into the next line (e.g. an `error:` line)."""
    import sys
    hide = kwargs.pop('disable', False) or not (sys.stderr.isatty() or 'ipykernel' in sys.modules)
    return tqdm(iterable, disable=hide, **kwargs)


def make_loader(dataset, batch_size: int, shuffle: bool, num_workers: int, seed: int = 0) -> DataLoader:
    """Training (shuffle): DistributedBatchSampler, whose shuffle is seeded by the epoch (set_epoch), so a resumed
    run repeats the uninterrupted one, and which splits the data across ranks. Evaluation: every sample in order.
    The dataset is wrapped in fail_fast.GuardedDataset: a sample that fails to load ends the run with its name."""
    guarded_set = dataset if isinstance(dataset, GuardedDataset) else GuardedDataset(dataset)
    if shuffle:
        sampler = DistributedBatchSampler(guarded_set, batch_size=batch_size, shuffle=True, drop_last=False)
    else:
        sampler = BatchSampler(guarded_set, batch_size=batch_size, shuffle=False, drop_last=False)
    return DataLoader(guarded_set, batch_sampler=sampler, num_workers=num_workers,
                      worker_init_fn=lambda wid: np.random.seed(seed + wid + guarded_set.epoch))


def build_loaders(cfg, split: Optional[str] = None) -> Tuple[Optional[DataLoader], DataLoader]:
    """(train loader, val loader) of the config; every annotation and image file is checked here, before anything
    is written. split: only that split as the evaluation loader (test.py), no training loader."""
    def dataset(name: str, augment: bool) -> CocoCropDataset:
        return CocoCropDataset(cfg.DATA.root, name, cfg.DATA.img_size, augment, cfg.seed, cfg.DATA.num_joints)

    if split is not None:
        return None, make_loader(dataset(split, False), cfg.TEST.batch_size, False, cfg.num_workers, cfg.seed)
    train = make_loader(dataset('train', cfg.DATA.augment), cfg.TRAIN.batch_size, True, cfg.num_workers, cfg.seed)
    val = make_loader(dataset('val', False), cfg.TEST.batch_size, False, cfg.num_workers, cfg.seed)
    return train, val


def build_optimizer(cfg, model: paddle.nn.Layer) -> Tuple[paddle.optimizer.Optimizer, Any]:
    """Adam with coupled L2 weight decay (torch Adam(weight_decay)) and MultiStepDecay stepped per epoch (the
    original's MultiStepLR); optional ClipGradByValue (the seed's recipe)."""
    t = cfg.TRAIN
    scheduler = paddle.optimizer.lr.MultiStepDecay(t.learning_rate, list(t.milestones), t.gamma)
    clip = paddle.nn.ClipGradByValue(t.clip_gradient) if t.clip_gradient > 0 else None
    optimizer = paddle.optimizer.Adam(scheduler, parameters=model.parameters(), weight_decay=t.weight_decay,
                                      grad_clip=clip)
    return optimizer, scheduler


def _rename_keys(state: Dict[str, Any], names: Dict[str, str]) -> Dict[str, Any]:
    """Optimizer state keys `<param name>_<accumulator>` (and master_weights) with the param names mapped."""
    order = sorted(names, key=len, reverse=True)
    out = {}
    for key, value in state.items():
        if key == 'master_weights' and isinstance(value, dict):
            value = {names.get(k, k): v for k, v in value.items()}
        else:
            key = next((names[n] + key[len(n):] for n in order if key.startswith(n + '_')), key)
        out[key] = value
    return out


def portable_optimizer_state(optimizer, model: paddle.nn.Layer) -> Dict[str, Any]:
    """The optimizer's state keyed by the model's structured names (backbone.conv3.weight_moment1_0) instead of
    Paddle's per-process parameter names (conv2d_57.w_0_moment1_0), which depend on how many layers the process
    built before: a checkpoint then resumes in any process."""
    return _rename_keys(optimizer.state_dict(), {p.name: n for n, p in model.named_parameters()})


def local_optimizer_state(state: Dict[str, Any], model: paddle.nn.Layer) -> Dict[str, Any]:
    """The inverse of portable_optimizer_state (keys already in Paddle's names pass unchanged)."""
    return _rename_keys(state, {n: p.name for n, p in model.named_parameters()})


def find_checkpoint(path: str) -> str:
    """--resume <save_dir>/latest (or <save_dir>): the checkpoint folder, recovered when a kill between the two
    renames of a save left only `latest.old-<pid>` / `latest.tmp-<pid>` (utils/atomic_io.recover_dir)."""
    path = input_path(path).rstrip('/')
    if not os.path.isfile(os.path.join(path, 'model.pdparams')) and recover_dir(os.path.join(path, 'latest')):
        path = os.path.join(path, 'latest')
    found = recover_dir(path)
    if found is None:
        raise UserError(f'checkpoint folder {path} not found, --resume, pass <save_dir>/latest of an earlier run')
    missing = [n for n in CHECKPOINT_FILES if not os.path.isfile(os.path.join(found, n))]
    if missing:
        raise UserError(f'{found} lacks {", ".join(missing)}, --resume, pass <save_dir>/latest of an earlier run')
    return found


def resume(path: str, model: paddle.nn.Layer, optimizer, scheduler) -> Dict[str, Any]:
    """Load latest/ (strict: another joint count is refused) -> {'epoch', 'iteration', 'best_metric', 'path'}."""
    path = find_checkpoint(path)
    load_weights(model, os.path.join(path, 'model.pdparams'), quiet=True, flag='--resume')
    try:
        opt_state = paddle.load(os.path.join(path, 'model.pdopt'))
        with open(os.path.join(path, 'state.json')) as f:
            state = json.load(f)
        epoch, iteration, best = int(state['epoch']), int(state['iteration']), float(state['best_metric'])
        sched_state, rng = state['lr_scheduler'], state['rng']
    except Exception as e:  # truncated or foreign files: pickle/json/key errors
        raise UserError(f'{path}: model.pdopt or state.json is damaged ({type(e).__name__}), --resume, pass a complete '
                        '<save_dir>/latest')
    try:
        optimizer.set_state_dict(local_optimizer_state(opt_state, model))
    except (AssertionError, KeyError, ValueError) as e:
        raise UserError(f'{path}/model.pdopt does not fit this model ({str(e)[:80]}), --resume, pass the latest/ of a '
                        'run of the same config')
    scheduler.set_state_dict(sched_state)
    set_rng_state(rng)
    return {'epoch': epoch, 'iteration': iteration, 'best_metric': best, 'path': path}


@dataclass
class Run:
    """What the training steps share: the model (and its DataParallel wrapper), loss, optimizer, scheduler, the
    config, rank, logger and the progress counters."""
    cfg: Any
    model: paddle.nn.Layer
    net: paddle.nn.Layer
    criterion: paddle.nn.Layer
    optimizer: Any
    scheduler: Any
    rank: int = 0
    logger: Any = None
    vdl: Any = None
    scaler: Any = None
    iteration: int = 0
    best: float = -1.0
    total_iters: int = 0
    start_epoch: int = 0
    loaders: Any = None
    timers: Dict[str, float] = field(default_factory=lambda: {'reader': 0.0, 'batch': 0.0})

    @property
    def acc_th(self) -> float:
        return self.cfg.TEST.acc_th / self.cfg.DATA.img_size

    def stop(self) -> bool:
        return bool(self.cfg.TRAIN.max_iters and self.iteration >= self.cfg.TRAIN.max_iters)


def batch_acc(outputs, labels: paddle.Tensor, kps_mask: paddle.Tensor, hm_th: float, th: float) -> float:
    """Mean per-joint acc of one batch (for the training log)."""
    with paddle.no_grad():
        pred = movenet_decode(*[o.detach() for o in outputs], hm_th=hm_th).numpy()
    gt = decode_labels(labels.numpy(), kps_mask.numpy())
    return float(joint_correct(pred, gt, th).mean() / len(pred))


def _fmt_eta(seconds: float) -> str:
    seconds = int(seconds)
    return f'{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}'


def _step(run: Run, img, labels, kps_mask, epoch: int) -> Tuple[list, Dict[str, paddle.Tensor]]:
    """One update; a non-finite loss stops the run before it touches the weights (the last checkpoint stays)."""
    with paddle.amp.auto_cast(enable=run.cfg.TRAIN.amp):
        outputs = run.net(img)
    losses = run.criterion([o.astype('float32') for o in outputs], labels, kps_mask)
    value = float(losses['loss'])
    if not math.isfinite(value):
        raise UserError(f'the loss is {value} at epoch {epoch + 1}, iteration {run.iteration + 1}, training stopped '
                        f'(the last good checkpoint is {run.cfg.save_dir}/latest), lower --learning_rate (now '
                        f'{run.optimizer.get_lr():g}) or check the data')
    if run.scaler is not None:
        run.scaler.scale(losses['loss']).backward()
        run.scaler.minimize(run.optimizer, run.scaler.scale(losses['loss']))
    else:
        losses['loss'].backward()
        run.optimizer.step()
    run.optimizer.clear_grad()
    run.iteration += 1
    return outputs, losses


def _log_train(run: Run, epoch: int, step: int, n: int, outputs, losses, labels, kps_mask, batch: int) -> None:
    cfg, t = run.cfg, run.timers
    acc = batch_acc(outputs, labels, kps_mask, cfg.TEST.hm_th, run.acc_th)
    ips = n * batch / max(t['batch'], 1e-9)
    run.logger.info(f'[TRAIN] epoch: {epoch + 1}/{cfg.TRAIN.epochs}, iter: {run.iteration}/{run.total_iters}, '
                    f"loss: {float(losses['loss']):.4f}, lr: {run.optimizer.get_lr():.6f}, acc: {acc:.4f}, "
                    f"reader_cost: {t['reader'] / n:.2f} s, batch_cost: {t['batch'] / n:.2f} s, "
                    f"ips: {ips:.1f} samples/s, eta: {_fmt_eta(t['batch'] / n * (run.total_iters - run.iteration))}")
    if run.vdl is not None:
        for k, v in losses.items():
            run.vdl.add_scalar(f'train/{k}', float(v), run.iteration)
        run.vdl.add_scalar('train/acc', acc, run.iteration)
    t['reader'] = t['batch'] = 0.0


def train_one_epoch(run: Run, loader: DataLoader, epoch: int) -> bool:
    """One pass over this rank's share of the training set (or up to TRAIN.max_iters); steps the scheduler at the
    end, as the original's per-epoch MultiStepLR. Returns True when max_iters is reached."""
    cfg = run.cfg
    loader.dataset.set_epoch(epoch)
    loader.batch_sampler.set_epoch(epoch)
    run.model.train()
    tic = time.time()
    bar = progress(guarded_batches(loader), total=len(loader), desc=f'epoch {epoch + 1}/{cfg.TRAIN.epochs}',
                   leave=False, disable=run.rank != 0)
    for step, (img, labels, kps_mask, _, _) in enumerate(bar):
        run.timers['reader'] += time.time() - tic
        outputs, losses = _step(run, img, labels, kps_mask, epoch)
        run.timers['batch'] += time.time() - tic
        last = step + 1 == len(loader) or run.stop()
        log_iters = cfg.TRAIN.log_iters
        if run.rank == 0 and (run.iteration % log_iters == 0 or last):
            n = log_iters if run.iteration % log_iters == 0 else step % log_iters + 1
            _log_train(run, epoch, step, n, outputs, losses, labels, kps_mask, img.shape[0])
        tic = time.time()
        if run.stop():
            break
    run.scheduler.step()
    return run.stop()


@paddle.no_grad()
def evaluate(model: paddle.nn.Layer, loader: DataLoader, hm_th: float = 0.1, th: float = 5 / 192,
             show_progress: bool = True) -> Dict[str, float]:
    """acc (the original's myAcc, mean over joints), COCO OKS AP/AP50/AR on the crops, and `samples`: the number
    of crops evaluated (every sample of the loader's dataset)."""
    model.eval()
    metric = KeypointMetric(th=th)
    for img, labels, kps_mask, kps, area in progress(guarded_batches(loader), total=len(loader), desc='eval',
                                                     leave=False, disable=not show_progress):
        pred = movenet_decode(*model(img), hm_th=hm_th).numpy()
        metric.update(pred, decode_labels(labels.numpy(), kps_mask.numpy()), kps.numpy(), area.numpy()[:, 0])
    model.train()
    metrics = metric.accumulate()
    metrics['samples'] = metric.count
    return metrics


def log_eval(run: Run, epoch: int, metrics: Dict[str, float]) -> None:
    run.logger.info(f"[EVAL] epoch: {epoch}, acc: {metrics['acc']:.4f}, AP: {metrics['AP']:.4f}, "
                    f"AP50: {metrics['AP50']:.4f}, AR: {metrics['AR']:.4f}, samples: {metrics['samples']}")
    if run.vdl is not None:
        for k, v in metrics.items():
            run.vdl.add_scalar(f'eval/{k}', v, epoch)


def save(save_dir: str, name: str, model: paddle.nn.Layer, cfg, optimizer=None, state: Optional[Dict] = None) -> str:
    """<save_dir>/<name>/ with model.pdparams and config.yaml (+ model.pdopt and state.json for latest/), swapped
    in atomically (utils/atomic_io.save_dir_atomic): a kill at any moment leaves the previous copy intact."""
    files: Dict[str, Any] = {'model.pdparams': model.state_dict(), CONFIG_NAME: to_dict(cfg)}
    if optimizer is not None:
        files['model.pdopt'] = portable_optimizer_state(optimizer, model)
    if state is not None:
        files['state.json'] = {**state, 'rng': rng_state()}
    path = os.path.join(save_dir, name)
    save_dir_atomic(path, files)
    return path
