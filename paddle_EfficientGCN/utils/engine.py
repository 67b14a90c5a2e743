"""The training loop of train.py and main.py, in named steps (the same names in every folder of the repository):
build_loaders, build_optimizer, resume, train_one_epoch, evaluate, save; train() strings them together and
test() is what test.py and `main.py -e/-ex` run.

Order of train(): everything the user gave is validated first (config, data files, --pretrained, --resume);
only then is anything written (stale temporary copies cleaned, train.log opened, checkpoints saved atomically).
"""
import json
import math
import os
import random
import time
import warnings
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Callable, Dict, List, Optional, Tuple

import numpy as np
import paddle
import paddle.distributed as dist
import paddle.nn.functional as F
from tqdm import tqdm

from datasets.feeder import build_dataset
from models import build_model
from utils import UserError, get_logger, set_seed
from utils.atomic_io import clean_stale, recover_dir, save_dir_atomic
from utils.checkpoint import load_pretrained
from utils.fail_fast import GuardedDataset, guarded
from utils.metrics import compute_metrics

# Paddle's BatchNorm warns on every training forward that it tracks global statistics (what BN always does):
# not actionable, so not shown. Other warnings are kept.
warnings.filterwarnings('ignore', message='When training, we now always track global mean and variance')


@dataclass
class RunOptions:
    """What a training run needs besides its config (train.py / main.py flags that are not config keys)."""
    save_dir: str
    pretrained: Optional[str] = None   # weights to start from (fine-tuning: another class count re-inits the head)
    resume: Optional[str] = None       # <save_dir>/latest of an interrupted run
    max_iters: Optional[int] = None    # stop after this many iterations in all (TIPC, tests)
    amp: bool = False
    use_vdl: bool = False
    progress: bool = True


@dataclass
class _Run:
    """The state train_one_epoch works on."""
    cfg: Dict[str, Any]
    opts: RunOptions
    model: paddle.nn.Layer
    net: paddle.nn.Layer
    loader: paddle.io.DataLoader
    sampler: paddle.io.DistributedBatchSampler
    optimizer: paddle.optimizer.Optimizer
    scheduler: paddle.optimizer.lr.LRScheduler
    log: Callable[[str], None]
    rank: int
    total_iters: int
    iteration: int = 0
    scaler: Optional[paddle.amp.GradScaler] = None
    vdl: Any = None
    start_time: float = field(default_factory=time.time)
    start_iter: int = 0


def eval_loader(dataset, batch_size: int, num_workers: int = 0) -> paddle.io.DataLoader:
    """Every sample once, in order (no drop_last, unlike the Paddle port)."""
    return paddle.io.DataLoader(dataset, batch_size=batch_size, shuffle=False, drop_last=False,
                                num_workers=num_workers)


def build_loaders(cfg: Dict[str, Any], world: int, rank: int) -> Tuple[paddle.io.DataLoader, Any, Any]:
    """(train loader, its DistributedBatchSampler, eval loader on rank 0 / None elsewhere); both splits validated.
    The whole eval split is evaluated on rank 0 (no sample dropped, none counted twice)."""
    t = cfg['train']
    train_set = build_dataset(cfg, 'train')
    eval_set = build_dataset(cfg, 'eval') if rank == 0 else None
    sampler = paddle.io.DistributedBatchSampler(train_set, t['batch_size'], num_replicas=world, rank=rank,
                                                shuffle=True, drop_last=len(train_set) >= t['batch_size'] * world)
    loader = paddle.io.DataLoader(train_set, batch_sampler=sampler, num_workers=t['num_workers'],
                                  worker_init_fn=lambda wid: np.random.seed((t['seed'] + wid) % 2 ** 32))
    evals = eval_loader(eval_set, t['eval_batch_size'], t['num_workers']) if eval_set is not None else None
    return loader, sampler, evals


def lr_lambda(warm_up_iters: int, total_iters: int):
    """Official schedule, per iteration: linear warm-up from 0, then half-cosine to 0."""
    def factor(it: int) -> float:
        if it < warm_up_iters:
            return it / warm_up_iters
        return 0.5 * (math.cos(math.pi * (it - warm_up_iters) / max(total_iters - warm_up_iters, 1)) + 1)
    return factor


def build_optimizer(cfg: Dict[str, Any], model: paddle.nn.Layer, iters_per_epoch: int):
    """(SGD momentum/Nesterov with weight decay, its per-iteration warm-up + cosine schedule) as the official
    src/initializer.py init_optimizer / init_lr_scheduler."""
    t = cfg['train']
    scheduler = paddle.optimizer.lr.LambdaDecay(
        t['learning_rate'], lr_lambda(t['warm_up'] * iters_per_epoch, t['max_epochs'] * iters_per_epoch))
    optimizer = paddle.optimizer.Momentum(scheduler, t['momentum'], parameters=model.parameters(),
                                          use_nesterov=t['nesterov'], weight_decay=t['weight_decay'])
    return optimizer, scheduler


def _rename_opt_state(state: Dict[str, Any], mapping: Dict[str, str]) -> Dict[str, Any]:
    """Optimizer accumulators are keyed '<param.name>_<acc>_0' with auto-generated param names that depend on
    how many layers the process built before; key them by the structured name (and back) so a resume matches."""
    names = sorted(mapping, key=len, reverse=True)
    out = {}
    for key, value in state.items():
        prefix = next((n for n in names if key.startswith(n + '_')), None)
        out[mapping[prefix] + key[len(prefix):] if prefix else key] = value
    return out


def _rng_state() -> Dict[str, Any]:
    s, p = np.random.get_state(), random.getstate()
    return {'np_rng': [s[0], s[1].tolist(), int(s[2]), int(s[3]), float(s[4])], 'py_rng': [p[0], list(p[1]), p[2]]}


def _restore_rng(state: Dict[str, Any]) -> None:
    s = state['np_rng']
    np.random.set_state((s[0], np.array(s[1], dtype=np.uint32), s[2], s[3], s[4]))
    s = state['py_rng']
    random.setstate((s[0], tuple(s[1]), s[2]))


def resume(path: str, model, optimizer, scheduler) -> Dict[str, Any]:
    """Load <save_dir>/latest (recovering a copy a kill left between the two renames of a save) into model,
    optimizer, scheduler and the RNGs; returns its state.json (epoch, iteration, best)."""
    found = recover_dir(path)
    state_path = os.path.join(found or path, 'state.json')
    if not found or not os.path.isfile(state_path):
        raise UserError(f'{state_path} not found (--resume), pass <save_dir>/latest of an earlier run')
    try:
        with open(state_path) as f:
            state = json.load(f)
        opt_state = paddle.load(os.path.join(path, 'model.pdopt'))
    except Exception as e:  # a truncated or foreign checkpoint directory
        raise UserError(f'{path} is not a complete checkpoint (--resume: {type(e).__name__}), resume from another '
                        'copy or start again without --resume')
    load_pretrained(model, path, logger=_Quiet(), flag='--resume')  # another class count: an error
    optimizer.set_state_dict(_rename_opt_state(opt_state, {n: p.name for n, p in model.named_parameters()}))
    scheduler.set_state_dict(state['lr_scheduler'])
    _restore_rng(state)
    return state


class _Quiet:
    """A logger that keeps its lines (printed once train.log exists)."""

    def __init__(self) -> None:
        self.lines: List[str] = []

    def info(self, line: str) -> None:
        self.lines.append(line)


def save(save_dir: str, name: str, cfg: Dict[str, Any], model, optimizer=None, scheduler=None,
         state: Optional[Dict[str, Any]] = None) -> str:
    """<save_dir>/<name>/ (latest or best_model) with model.pdparams and the resolved config.yaml, plus
    model.pdopt and state.json (epoch, iteration, best, lr schedule, RNGs) when given; atomic (utils/atomic_io)."""
    files: Dict[str, Any] = {'model.pdparams': model.state_dict(), 'config.yaml': cfg}
    if optimizer is not None:
        files['model.pdopt'] = _rename_opt_state(optimizer.state_dict(),
                                                 {p.name: n for n, p in model.named_parameters()})
        files['state.json'] = dict(state or {}, lr_scheduler=scheduler.state_dict(), **_rng_state())
    path = os.path.join(save_dir, name)
    save_dir_atomic(path, files)
    return path


def _step(run: _Run, x, y, epoch: int):
    """One optimisation step; a non-finite loss stops the run before it touches the weights."""
    with paddle.amp.auto_cast(enable=bool(run.opts.amp)):
        logits = run.net(x)
        loss = F.cross_entropy(logits, y)
    value = float(loss)
    if not math.isfinite(value):
        raise UserError(f'the training loss is {value} at epoch {epoch + 1}, iteration {run.iteration + 1}: '
                        f'training diverged; {run.opts.save_dir}/latest keeps the last good checkpoint, lower '
                        '--learning_rate or check the data')
    run.optimizer.clear_grad()
    if run.scaler:
        run.scaler.scale(loss).backward()
        run.scaler.step(run.optimizer)
        run.scaler.update()
    else:
        loss.backward()
        run.optimizer.step()
    lr = run.optimizer.get_lr()
    run.scheduler.step()
    run.iteration += 1
    return value, logits, lr


def _mean_over_ranks(value: float) -> float:
    """The loss of the whole global batch (the mean of the ranks' equal-sized shares) under multi-card training."""
    if dist.get_world_size() == 1:
        return value
    t = paddle.to_tensor([value], dtype='float32')
    dist.all_reduce(t)
    return float(t.numpy()[0]) / dist.get_world_size()


def train_one_epoch(run: _Run, epoch: int) -> None:
    """One pass over the training loader (stops early at total_iters); logs every train.log_iters iterations."""
    t = run.cfg['train']
    paddle.seed(t['seed'] + epoch)  # dropout masks depend only on (seed, epoch): resume is exact
    run.sampler.set_epoch(epoch)
    run.net.train()
    iters_per_epoch = len(run.sampler)
    reader_t = time.time()
    bar = tqdm(guarded(run.loader), desc=f'epoch {epoch + 1}/{t["max_epochs"]}', total=iters_per_epoch,
               disable=run.rank != 0 or not run.opts.progress, leave=False)
    for step, (x, y) in enumerate(bar):
        reader_cost = time.time() - reader_t
        loss, logits, lr = _step(run, x, y, epoch)
        batch_cost = time.time() - reader_t
        if run.iteration % t['log_iters'] == 0 or run.iteration == run.total_iters:  # every rank: all_reduce
            loss = _mean_over_ranks(loss)
        if run.rank == 0 and (run.iteration % t['log_iters'] == 0 or run.iteration == run.total_iters):
            top1 = float((logits.argmax(1) == y.reshape([-1])).astype('float32').mean())
            eta = (time.time() - run.start_time) / (run.iteration - run.start_iter) * (run.total_iters - run.iteration)
            run.log(f'[TRAIN] epoch: {epoch + 1}/{t["max_epochs"]}, iter: {step + 1}/{iters_per_epoch}, '
                    f'loss: {loss:.4f}, lr: {lr:.6f}, top1: {top1:.4f}, reader_cost: {reader_cost:.2f} s, '
                    f'batch_cost: {batch_cost:.2f} s, ips: {len(y) / batch_cost:.1f} samples/s, '
                    f'eta: {timedelta(seconds=int(eta))}')
            if run.vdl:
                run.vdl.add_scalar('train/loss', loss, run.iteration)
                run.vdl.add_scalar('train/lr', lr, run.iteration)
        reader_t = time.time()
        if run.iteration >= run.total_iters:
            break


@paddle.no_grad()
def evaluate(model, loader, num_class: int, progress: bool = True, return_scores: bool = False):
    """top-1, top-5, mean class accuracy and the sample count over every sample of the loader (eval mode);
    with return_scores also the [N, num_class] logits."""
    model.eval()
    scores, labels = [], []
    for x, y in tqdm(guarded(loader), desc='eval', disable=not progress, leave=False):
        scores.append(model(x).numpy())
        labels.append(y.numpy().reshape(-1))
    scores, labels = np.concatenate(scores), np.concatenate(labels)
    metrics = compute_metrics(scores, labels, num_class)
    metrics['num_samples'] = int(len(labels))
    return (metrics, scores) if return_scores else metrics


def _evaluate_and_save(run: _Run, evals, epoch: int, best: Dict[str, Any]) -> Dict[str, Any]:
    """Rank 0 at the end of an epoch: evaluate when the schedule says so, keep the best, save latest."""
    t, stop = run.cfg['train'], run.iteration >= run.total_iters
    metrics: Dict[str, Any] = {}
    if (epoch + 1) % t['eval_interval'] == 0 or epoch + 1 > t['max_epochs'] - t['eval_last'] or stop:
        metrics = evaluate(run.model, evals, run.cfg['num_class'], run.opts.progress)
        run.log(f'[EVAL] epoch: {epoch + 1}, top1: {metrics["top1"]:.4f}, top5: {metrics["top5"]:.4f}, '
                f'mean_class_acc: {metrics["mean_class_acc"]:.4f}, samples: {metrics["num_samples"]}')
        if run.vdl:
            run.vdl.add_scalar('eval/top1', metrics['top1'], epoch + 1)
        if metrics['top1'] > best['top1']:
            best.update(top1=metrics['top1'], epoch=epoch + 1)
            save(run.opts.save_dir, 'best_model', run.cfg, run.model)
            run.log(f'new best top1 {best["top1"]:.4f} at epoch {epoch + 1}, saved to {run.opts.save_dir}/best_model')
    bad = [n for n, p in run.model.named_parameters() if not bool(paddle.isfinite(p).all())]
    if bad:  # never save a checkpoint that cannot be used
        raise UserError(f'the weights became non-finite in epoch {epoch + 1} (e.g. {bad[0]}): training diverged; '
                        f'{run.opts.save_dir}/latest keeps the last good checkpoint, lower --learning_rate')
    save(run.opts.save_dir, 'latest', run.cfg, run.model, run.optimizer, run.scheduler,
         {'epoch': epoch, 'iteration': run.iteration, 'best': best, 'seed': t['seed']})
    return metrics


def train(cfg: Dict[str, Any], opts: RunOptions) -> Dict[str, Any]:
    """Train with the official recipe; returns {'best_top1', 'best_epoch', 'last_metrics', 'iterations'}."""
    t = cfg['train']
    world, rank = dist.get_world_size(), dist.get_rank()
    if world > 1:
        dist.init_parallel_env()
    set_seed(t['seed'])
    loader, sampler, evals = build_loaders(cfg, world, rank)  # validated before anything is written
    model, notes = build_model(cfg), _Quiet()
    if opts.pretrained:
        load_pretrained(model, opts.pretrained, notes, fine_tune=True)
    optimizer, scheduler = build_optimizer(cfg, model, len(sampler))
    total = min(t['max_epochs'] * len(sampler), opts.max_iters or math.inf)
    state = resume(opts.resume, model, optimizer, scheduler) if opts.resume else {}
    if rank == 0:
        clean_stale(opts.save_dir)
    logger = get_logger(opts.save_dir if rank == 0 else None)
    log = logger.info if rank == 0 else (lambda *_: None)
    for line in notes.lines + ([f'resumed from {opts.resume}: epoch {state["epoch"] + 2}'] if state else []):
        log(line)
    run = _Run(cfg, opts, model, paddle.DataParallel(model) if world > 1 else model, loader, sampler, optimizer,
               scheduler, log, rank, total, state.get('iteration', 0),
               paddle.amp.GradScaler() if opts.amp else None, _vdl(opts, rank))
    run.start_iter, best, last = run.iteration, state.get('best', {'top1': -1.0, 'epoch': -1}), {}
    for epoch in range(state['epoch'] + 1 if state else 0, t['max_epochs']):
        if run.iteration >= total:
            break
        train_one_epoch(run, epoch)
        if rank == 0:
            last = _evaluate_and_save(run, evals, epoch, best) or last
    log(f'best top1 {best["top1"]:.4f} at epoch {best["epoch"]}, {run.iteration} iterations')
    if run.vdl:
        run.vdl.close()
    return {'best_top1': best['top1'], 'best_epoch': best['epoch'], 'last_metrics': last,
            'iterations': run.iteration}


def _vdl(opts: RunOptions, rank: int):
    if not (opts.use_vdl and rank == 0):
        return None
    from visualdl import LogWriter
    return LogWriter(os.path.join(opts.save_dir, 'vdl'))


def test(cfg: Dict[str, Any], weights: Optional[str], batch_size: Optional[int] = None, num_workers: int = 0,
         progress: bool = True, model=None) -> Tuple[Dict[str, Any], np.ndarray, GuardedDataset]:
    """Evaluate `weights` (a .pdparams or checkpoint directory; its class count must be the config's) on the
    whole eval split: (metrics, logits [N, num_class], dataset). test.py and `main.py -e/-ex` run this. `model`
    instead of weights: any callable with eval() (test.py --model_dir passes an exported model's predictor)."""
    dataset = build_dataset(cfg, 'eval')
    if model is None:
        model = build_model(cfg)
        load_pretrained(model, weights, logger=_Quiet())
    loader = eval_loader(dataset, batch_size or cfg['train']['eval_batch_size'], num_workers)
    metrics, scores = evaluate(model, loader, cfg['num_class'], progress, return_scores=True)
    return metrics, scores, dataset


def format_metrics(m: Dict[str, Any]) -> str:
    return (f'[EVAL] top1: {m["top1"]:.4f}, top5: {m["top5"]:.4f}, mean_class_acc: {m["mean_class_acc"]:.4f}, '
            f'samples: {m["num_samples"]}')
