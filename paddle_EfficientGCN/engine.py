"""Training and evaluation loops shared by train.py, test.py and main.py."""
import json
import math
import os
import random
import time
from datetime import timedelta
from typing import Any, Dict, Optional

import numpy as np
import paddle
import paddle.distributed as dist
import paddle.nn.functional as F
from tqdm import tqdm

from datasets.feeder import NTUFeeder
from models import build_model
from utils import UserError, atomic_save_dir, get_logger, load_pretrained, read_state_dict, set_seed


def build_dataset(cfg: Dict[str, Any], phase: str, dataset_root: Optional[str] = None) -> NTUFeeder:
    d = cfg['dataset_args']
    return NTUFeeder(dataset_root or d['dataset_root'], phase, cfg['data_shape'][2], cfg['num_class'],
                     d.get('inputs', 'JVB'))


def eval_loader(dataset, batch_size: int, num_workers: int = 0) -> paddle.io.DataLoader:
    """Every sample once, in order (no drop_last, unlike the Paddle port)."""
    return paddle.io.DataLoader(dataset, batch_size=batch_size, shuffle=False, drop_last=False,
                                num_workers=num_workers)


def compute_metrics(scores: np.ndarray, labels: np.ndarray, num_class: int) -> Dict[str, float]:
    """top-1, top-5 and mean class accuracy (over the classes present in labels)."""
    rank = np.argsort(-scores, axis=1)
    top1 = rank[:, 0] == labels
    top5 = (rank[:, :min(5, scores.shape[1])] == labels[:, None]).any(1)
    per_class = [top1[labels == c].mean() for c in range(num_class) if (labels == c).any()]
    return {'top1': float(top1.mean()), 'top5': float(top5.mean()), 'mean_class_acc': float(np.mean(per_class))}


@paddle.no_grad()
def evaluate(model, loader, num_class: int, progress: bool = True) -> Dict[str, Any]:
    model.eval()
    scores, labels = [], []
    for x, y in tqdm(loader, desc='eval', disable=not progress, leave=False):
        scores.append(model(x).numpy())
        labels.append(y.numpy().reshape(-1))
    scores, labels = np.concatenate(scores), np.concatenate(labels)
    metrics = compute_metrics(scores, labels, num_class)
    metrics['num_samples'] = int(len(labels))
    return metrics


def lr_lambda(warm_up_iters: int, total_iters: int):
    """Official schedule, per iteration: linear warm-up from 0, then half-cosine to 0."""
    def factor(it: int) -> float:
        if it < warm_up_iters:
            return it / warm_up_iters
        return 0.5 * (math.cos(math.pi * (it - warm_up_iters) / max(total_iters - warm_up_iters, 1)) + 1)
    return factor


def _rename_opt_state(state: Dict[str, Any], mapping: Dict[str, str]) -> Dict[str, Any]:
    """Optimizer accumulators are keyed '<param.name>_<acc>_0' with auto-generated param names that depend on
    how many layers the process built before; key them by the structured name (and back) so a resume matches."""
    names = sorted(mapping, key=len, reverse=True)
    out = {}
    for key, value in state.items():
        prefix = next((n for n in names if key.startswith(n + '_')), None)
        out[mapping[prefix] + key[len(prefix):] if prefix else key] = value
    return out


def _save_latest(save_dir, model, optimizer, scheduler, state) -> None:
    state = dict(state, np_rng=_np_state(), py_rng=_py_state(), lr_scheduler=scheduler.state_dict())
    opt_state = _rename_opt_state(optimizer.state_dict(), {p.name: n for n, p in model.named_parameters()})
    atomic_save_dir(os.path.join(save_dir, 'latest'), {'model.pdparams': model.state_dict(),
                                                       'model.pdopt': opt_state, 'state.json': state})


def _np_state():
    s = np.random.get_state()
    return [s[0], s[1].tolist(), int(s[2]), int(s[3]), float(s[4])]


def _py_state():
    s = random.getstate()
    return [s[0], list(s[1]), s[2]]


def _restore_rng(state: Dict[str, Any]) -> None:
    s = state['np_rng']
    np.random.set_state((s[0], np.array(s[1], dtype=np.uint32), s[2], s[3], s[4]))
    s = state['py_rng']
    random.setstate((s[0], tuple(s[1]), s[2]))


def train(cfg: Dict[str, Any], args) -> Dict[str, Any]:
    """Train with the official recipe; returns {'best_top1', 'best_epoch', 'last_metrics'}."""
    t = cfg['train']
    world, rank = dist.get_world_size(), dist.get_rank()
    if world > 1:
        dist.init_parallel_env()
    set_seed(t['seed'])
    train_set = build_dataset(cfg, 'train', args.dataset_root)  # validated before anything is written
    eval_set = build_dataset(cfg, 'eval', args.dataset_root) if rank == 0 else None
    logger = get_logger(args.save_dir if rank == 0 else None)
    log = logger.info if rank == 0 else (lambda *_: None)
    if len(train_set) == 0:
        raise UserError(f'no training sample in {args.dataset_root or cfg["dataset_args"]["dataset_root"]}')
    if len(set(train_set.labels.tolist())) < 2:
        log('warning: the training set has a single class, the model cannot learn anything useful')
    sampler = paddle.io.DistributedBatchSampler(train_set, t['batch_size'], num_replicas=world, rank=rank,
                                                shuffle=True, drop_last=len(train_set) >= t['batch_size'] * world)
    loader = paddle.io.DataLoader(train_set, batch_sampler=sampler, num_workers=t['num_workers'],
                                  worker_init_fn=lambda wid: np.random.seed((t['seed'] + wid) % 2 ** 32))
    iters_per_epoch = len(sampler)
    total_iters = t['max_epochs'] * iters_per_epoch
    if args.max_iters:
        total_iters = min(total_iters, args.max_iters)

    model = build_model(cfg)
    if args.pretrained:
        load_pretrained(model, args.pretrained, logger)
    scheduler = paddle.optimizer.lr.LambdaDecay(
        t['learning_rate'], lr_lambda(t['warm_up'] * iters_per_epoch, t['max_epochs'] * iters_per_epoch))
    optimizer = paddle.optimizer.Momentum(scheduler, t['momentum'], parameters=model.parameters(),
                                          use_nesterov=t['nesterov'], weight_decay=t['weight_decay'])
    start_epoch, iteration, best = 0, 0, {'top1': -1.0, 'epoch': -1}
    if args.resume:
        state_path = os.path.join(args.resume, 'state.json')
        if not os.path.isfile(state_path):
            raise UserError(f'{state_path} not found, pass --resume <save_dir>/latest of an earlier run')
        with open(state_path) as f:
            state = json.load(f)
        model.set_state_dict(read_state_dict(args.resume))
        optimizer.set_state_dict(_rename_opt_state(paddle.load(os.path.join(args.resume, 'model.pdopt')),
                                                   {n: p.name for n, p in model.named_parameters()}))
        scheduler.set_state_dict(state['lr_scheduler'])
        _restore_rng(state)
        start_epoch, iteration, best = state['epoch'] + 1, state['iteration'], state['best']
        log(f'resumed from {args.resume}: epoch {start_epoch}, iteration {iteration}')
    net = paddle.DataParallel(model) if world > 1 else model
    scaler = paddle.amp.GradScaler() if args.amp else None
    vdl = None
    if args.use_vdl and rank == 0:
        from visualdl import LogWriter
        vdl = LogWriter(os.path.join(args.save_dir, 'vdl'))

    last_metrics: Dict[str, Any] = {}
    start_time = time.time()
    start_iter = iteration
    for epoch in range(start_epoch, t['max_epochs']):
        if iteration >= total_iters:
            break
        paddle.seed(t['seed'] + epoch)  # dropout masks depend only on (seed, epoch): resume is exact
        sampler.set_epoch(epoch)
        net.train()
        reader_t = time.time()
        bar = tqdm(loader, desc=f'epoch {epoch + 1}/{t["max_epochs"]}', disable=rank != 0 or not args.progress,
                   leave=False)
        for step, (x, y) in enumerate(bar):
            reader_cost = time.time() - reader_t
            with paddle.amp.auto_cast(enable=bool(args.amp)):
                logits = net(x)
                loss = F.cross_entropy(logits, y)
            optimizer.clear_grad()
            if scaler:
                scaler.scale(loss).backward()
                scaler.step(optimizer)
                scaler.update()
            else:
                loss.backward()
                optimizer.step()
            lr = optimizer.get_lr()
            scheduler.step()
            iteration += 1
            batch_cost = time.time() - reader_t
            if rank == 0 and (iteration % args.log_iters == 0 or iteration == total_iters):
                top1 = float((logits.argmax(1) == y.reshape([-1])).astype('float32').mean())
                done = iteration - start_iter
                eta = (time.time() - start_time) / done * (total_iters - iteration)
                log(f'[TRAIN] epoch: {epoch + 1}/{t["max_epochs"]}, iter: {step + 1}/{iters_per_epoch}, '
                    f'loss: {float(loss):.4f}, lr: {lr:.6f}, top1: {top1:.4f}, reader_cost: {reader_cost:.2f} s, '
                    f'batch_cost: {batch_cost:.2f} s, ips: {len(y) / batch_cost:.1f} samples/s, '
                    f'eta: {timedelta(seconds=int(eta))}')
                if vdl:
                    vdl.add_scalar('train/loss', float(loss), iteration)
                    vdl.add_scalar('train/lr', lr, iteration)
            reader_t = time.time()
            if iteration >= total_iters:
                break
        if rank != 0:
            continue
        stop = iteration >= total_iters
        interval = args.eval_interval or t['eval_interval']
        if (epoch + 1) % interval == 0 or epoch + 1 > t['max_epochs'] - t['eval_last'] or stop:
            last_metrics = evaluate(model, eval_loader(eval_set, t['eval_batch_size']), cfg['num_class'],
                                    args.progress)
            log(f'[EVAL] epoch: {epoch + 1}, top1: {last_metrics["top1"]:.4f}, top5: {last_metrics["top5"]:.4f}, '
                f'mean_class_acc: {last_metrics["mean_class_acc"]:.4f}, samples: {last_metrics["num_samples"]}')
            if vdl:
                vdl.add_scalar('eval/top1', last_metrics['top1'], epoch + 1)
            if last_metrics['top1'] > best['top1']:
                best = {'top1': last_metrics['top1'], 'epoch': epoch + 1}
                atomic_save_dir(os.path.join(args.save_dir, 'best_model'), {'model.pdparams': model.state_dict()})
                log(f'new best top1 {best["top1"]:.4f} at epoch {epoch + 1}, saved to {args.save_dir}/best_model')
        _save_latest(args.save_dir, model, optimizer, scheduler,
                     {'epoch': epoch, 'iteration': iteration, 'best': best, 'seed': t['seed']})
        if stop:
            break
    if rank == 0:
        log(f'best top1 {best["top1"]:.4f} at epoch {best["epoch"]}')
    if vdl:
        vdl.close()
    return {'best_top1': best['top1'], 'best_epoch': best['epoch'], 'last_metrics': last_metrics}
