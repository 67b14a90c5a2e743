"""Train MoveNet on the COCO crops (see README). `python train.py` runs the movenet.pytorch recipe
(configs/movenet_coco.yaml); --config and the flags override it. --resume <save_dir>/latest continues a run (with
the config saved beside it unless --config is given)."""
import warnings

warnings.filterwarnings('ignore', message='No ccache found')  # paddle's harmless import-time warning
warnings.filterwarnings('ignore', message='When training, we now always track')  # paddle BatchNorm, every run

import os
from typing import List, Optional

import paddle
import paddle.distributed as dist

from models import MoveNet
from models.loss import MovenetLoss
from utils import ArgumentParser, cli, get_logger, seed_everything, set_device
from utils.atomic_io import clean_stale
from utils.checkpoint import load_weights
from utils.config import DEFAULT_CONFIG, add_config_flags, config_beside, overrides_from, script_config
from utils.engine import (
    Run,
    build_loaders,
    build_optimizer,
    evaluate,
    find_checkpoint,
    log_eval,
    resume,
    save,
    train_one_epoch,
)


def parse_args(argv: Optional[List[str]]):
    parser = ArgumentParser(description=__doc__)
    add_config_flags(parser, 'dataset_root', 'pretrained', 'batch_size', 'max_epochs', 'max_iters', 'log_iters',
                     'seed', 'save_dir', 'learning_rate', 'num_workers', 'device', 'amp', 'use_vdl', 'eval_interval',
                     'use_bone', 'augment')
    parser.add_argument('--resume', default=None, help='<save_dir>/latest to continue an interrupted run')
    return parser.parse_args(argv)


def setup(args) -> Run:
    """Config, data, model, optimizer and checkpoints, all checked before anything is written."""
    beside = config_beside(find_checkpoint(args.resume)) if args.resume and not args.config else None
    cfg = script_config(args.config, None, overrides_from(args), default=beside or DEFAULT_CONFIG)
    set_device(cfg.device or None)
    world, rank = dist.get_world_size(), dist.get_rank()
    if world > 1:
        dist.init_parallel_env()
    seed_everything(cfg.seed)
    model = MoveNet(cfg.DATA.num_joints)
    if cfg.MODEL.pretrained:  # fine-tuning: heads of another joint count are re-initialised with a warning
        load_weights(model, cfg.MODEL.pretrained, allow_head_change=True)
    optimizer, scheduler = build_optimizer(cfg, model)
    state = resume(args.resume, model, optimizer, scheduler) if args.resume else None
    train_loader, val_loader = build_loaders(cfg)  # every annotation and image checked
    net = paddle.DataParallel(model) if world > 1 else model
    run = Run(cfg, model, net, MovenetLoss(cfg.DATA.num_joints, cfg.TRAIN.use_bone), optimizer, scheduler, rank)
    run.loaders = train_loader, val_loader
    run.start_epoch = state['epoch'] if state else 0
    if state:
        run.iteration, run.best = state['iteration'], state['best_metric']
    if rank == 0:  # inputs are valid: from here on files are written
        clean_stale(cfg.save_dir)
    run.logger = get_logger(cfg.save_dir if rank == 0 else None)
    if state:
        run.logger.info(f"resumed from {state['path']} at epoch {state['epoch']}")
    run.scaler = paddle.amp.GradScaler() if cfg.TRAIN.amp else None
    if cfg.TRAIN.use_vdl and rank == 0:
        from visualdl import LogWriter
        run.vdl = LogWriter(os.path.join(cfg.save_dir, 'vdl'))
    epochs, max_iters = cfg.TRAIN.epochs, cfg.TRAIN.max_iters
    run.total_iters = epochs * len(train_loader) if not max_iters else min(max_iters, epochs * len(train_loader))
    return run


@cli
def main(argv: Optional[List[str]] = None) -> None:
    run = setup(parse_args(argv))
    cfg, (train_loader, val_loader) = run.cfg, run.loaders
    if cfg.TRAIN.eval_init and run.start_epoch == 0 and run.rank == 0:
        log_eval(run, 0, evaluate(run.model, val_loader, cfg.TEST.hm_th, run.acc_th))
    for epoch in range(run.start_epoch, cfg.TRAIN.epochs):
        stop = train_one_epoch(run, train_loader, epoch)
        if run.rank == 0:
            if (epoch + 1) % cfg.TRAIN.eval_interval == 0 or epoch + 1 == cfg.TRAIN.epochs or stop:
                metrics = evaluate(run.model, val_loader, cfg.TEST.hm_th, run.acc_th)
                log_eval(run, epoch + 1, metrics)
                if metrics['acc'] > run.best:
                    run.best = metrics['acc']
                    save(cfg.save_dir, 'best_model', run.model, cfg)
                    run.logger.info(f'new best acc {run.best:.4f}: saved {cfg.save_dir}/best_model/model.pdparams')
            save(cfg.save_dir, 'latest', run.model, cfg, run.optimizer, {
                'epoch': epoch + 1, 'iteration': run.iteration, 'best_metric': run.best,
                'lr_scheduler': run.scheduler.state_dict()})
        if stop:
            break
    if run.vdl is not None:
        run.vdl.close()


if __name__ == '__main__':
    main()
