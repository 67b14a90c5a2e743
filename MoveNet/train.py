"""Train MoveNet on the COCO crops (see README). `python train.py` runs the movenet.pytorch recipe from the
defaults of config.py; --config and the flags override them."""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import paddle  # noqa: E402
import paddle.distributed as dist  # noqa: E402
from tqdm import tqdm  # noqa: E402

from config import add_flags, get_config  # noqa: E402
from datasets.coco_crops import CocoCropDataset  # noqa: E402
from models import MoveNet  # noqa: E402
from models.loss import MovenetLoss  # noqa: E402
from utils import (  # noqa: E402
    UserError,
    atomic_save_dir,
    get_logger,
    input_path,
    load_weights,
    rng_state,
    run_main,
    seed_everything,
    set_device,
    set_rng_state,
)
from utils.engine import batch_acc, evaluate, make_loader  # noqa: E402


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    add_flags(parser, 'dataset_root', 'pretrained', 'batch_size', 'max_epochs', 'max_iters', 'log_iters', 'seed',
              'save_dir', 'learning_rate', 'num_workers', 'device', 'amp', 'use_vdl', 'eval_interval', 'use_bone',
              'augment')
    parser.add_argument('--resume', default=None, help='<save_dir>/latest to continue an interrupted run')
    return parser.parse_args()


def _fmt_eta(seconds: float) -> str:
    seconds = int(seconds)
    return f'{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}'


def main() -> None:
    args = parse_args()
    cfg = get_config(args)
    set_device(cfg.device or None)
    world, rank = dist.get_world_size(), dist.get_rank()
    if world > 1:
        dist.init_parallel_env()
    seed_everything(cfg.seed)
    logger = get_logger(cfg.save_dir if rank == 0 else None)
    train_set = CocoCropDataset(cfg.DATA.root, 'train', cfg.DATA.img_size, cfg.DATA.augment, cfg.seed)
    val_set = CocoCropDataset(cfg.DATA.root, 'val', cfg.DATA.img_size, False, cfg.seed)
    train_loader = make_loader(train_set, cfg.TRAIN.batch_size, True, cfg.num_workers, cfg.seed)
    val_loader = make_loader(val_set, cfg.TEST.batch_size, False, cfg.num_workers, cfg.seed)

    model = MoveNet(cfg.DATA.num_joints)
    if cfg.MODEL.pretrained:
        load_weights(model, cfg.MODEL.pretrained, logger)
    criterion = MovenetLoss(cfg.DATA.num_joints, cfg.TRAIN.use_bone)
    scheduler = paddle.optimizer.lr.MultiStepDecay(cfg.TRAIN.learning_rate, list(cfg.TRAIN.milestones), cfg.TRAIN.gamma)
    clip = paddle.nn.ClipGradByValue(cfg.TRAIN.clip_gradient) if cfg.TRAIN.clip_gradient > 0 else None
    optimizer = paddle.optimizer.Adam(scheduler, parameters=model.parameters(), weight_decay=cfg.TRAIN.weight_decay,
                                      grad_clip=clip)
    start_epoch, iteration, best = 0, 0, -1.0
    if args.resume:
        args.resume = input_path(args.resume)
        files = [os.path.join(args.resume, n) for n in ('model.pdparams', 'model.pdopt', 'state.json')]
        if not all(os.path.isfile(f) for f in files):
            raise UserError(f'{args.resume} lacks model.pdparams/model.pdopt/state.json, --resume, pass <save_dir>/latest')
        model.set_state_dict(paddle.load(files[0]))
        optimizer.set_state_dict(paddle.load(files[1]))
        with open(files[2]) as f:
            state = json.load(f)
        start_epoch, iteration, best = state['epoch'], state['iteration'], state['best_metric']
        scheduler.set_state_dict(state['lr_scheduler'])
        set_rng_state(state['rng'])
        logger.info(f'resumed from {args.resume} at epoch {start_epoch}')
    net = paddle.DataParallel(model) if world > 1 else model
    scaler = paddle.amp.GradScaler() if cfg.TRAIN.amp else None
    vdl = None
    if cfg.TRAIN.use_vdl and rank == 0:
        from visualdl import LogWriter
        vdl = LogWriter(os.path.join(cfg.save_dir, 'vdl'))

    epochs, max_iters = cfg.TRAIN.epochs, cfg.TRAIN.max_iters
    total_iters = epochs * len(train_loader) if not max_iters else min(max_iters, epochs * len(train_loader))
    th = cfg.TEST.acc_th / cfg.DATA.img_size
    if cfg.TRAIN.eval_init and start_epoch == 0 and rank == 0:
        metrics = evaluate(model, val_loader, cfg.TEST.hm_th, th)
        logger.info(f"[EVAL] epoch: 0, acc: {metrics['acc']:.4f}, AP: {metrics['AP']:.4f}, "
                    f"AP50: {metrics['AP50']:.4f}, AR: {metrics['AR']:.4f}")
    model.train()
    for epoch in range(start_epoch, epochs):
        train_set.set_epoch(epoch)
        train_loader.batch_sampler.set_epoch(epoch)
        tic = time.time()
        reader_cost = batch_cost = 0.0
        bar = tqdm(train_loader, desc=f'epoch {epoch + 1}/{epochs}', leave=False, disable=rank != 0)
        for step, (img, labels, kps_mask, _, _) in enumerate(bar):
            reader_cost += time.time() - tic
            with paddle.amp.auto_cast(enable=cfg.TRAIN.amp):
                outputs = net(img)
            losses = criterion([o.astype('float32') for o in outputs], labels, kps_mask)
            if scaler is not None:
                scaler.scale(losses['loss']).backward()
                scaler.minimize(optimizer, scaler.scale(losses['loss']))
            else:
                losses['loss'].backward()
                optimizer.step()
            optimizer.clear_grad()
            iteration += 1
            batch_cost += time.time() - tic
            last = step + 1 == len(train_loader) or bool(max_iters and iteration >= max_iters)
            if rank == 0 and (iteration % cfg.TRAIN.log_iters == 0 or last):
                n = cfg.TRAIN.log_iters if iteration % cfg.TRAIN.log_iters == 0 else (step % cfg.TRAIN.log_iters) + 1
                acc = batch_acc(outputs, labels, kps_mask, cfg.TEST.hm_th, th)
                ips = n * img.shape[0] / max(batch_cost, 1e-9)
                logger.info(f'[TRAIN] epoch: {epoch + 1}/{epochs}, iter: {iteration}/{total_iters}, '
                            f"loss: {float(losses['loss']):.4f}, lr: {optimizer.get_lr():.6f}, acc: {acc:.4f}, "
                            f'reader_cost: {reader_cost / n:.2f} s, batch_cost: {batch_cost / n:.2f} s, '
                            f'ips: {ips:.1f} samples/s, eta: {_fmt_eta(batch_cost / n * (total_iters - iteration))}')
                if vdl is not None:
                    for k, v in losses.items():
                        vdl.add_scalar(f'train/{k}', float(v), iteration)
                    vdl.add_scalar('train/acc', acc, iteration)
                reader_cost = batch_cost = 0.0
            tic = time.time()
            if max_iters and iteration >= max_iters:
                break
        scheduler.step()  # per epoch, after the epoch's updates (MultiStepLR of the original)
        stop = bool(max_iters and iteration >= max_iters)
        if rank != 0:
            if stop:
                break
            continue
        if (epoch + 1) % cfg.TRAIN.eval_interval == 0 or epoch + 1 == epochs or stop:
            metrics = evaluate(model, val_loader, cfg.TEST.hm_th, th)
            logger.info(f"[EVAL] epoch: {epoch + 1}, acc: {metrics['acc']:.4f}, AP: {metrics['AP']:.4f}, "
                        f"AP50: {metrics['AP50']:.4f}, AR: {metrics['AR']:.4f}")
            if vdl is not None:
                for k, v in metrics.items():
                    vdl.add_scalar(f'eval/{k}', v, epoch + 1)
            if metrics['acc'] > best:
                best = metrics['acc']
                atomic_save_dir(os.path.join(cfg.save_dir, 'best_model'), {'model.pdparams': model.state_dict()})
                logger.info(f'new best acc {best:.4f}: saved {cfg.save_dir}/best_model/model.pdparams')
        atomic_save_dir(os.path.join(cfg.save_dir, 'latest'), {
            'model.pdparams': model.state_dict(), 'model.pdopt': optimizer.state_dict(),
            'state.json': {'epoch': epoch + 1, 'iteration': iteration, 'best_metric': best,
                           'lr_scheduler': scheduler.state_dict(), 'rng': rng_state()}})
        if stop:
            break
    if vdl is not None:
        vdl.close()


if __name__ == '__main__':
    run_main(main)
