"""Train PoseC3D (SlowOnly-R50 on keypoint heatmap volumes), e.g.
python train.py --dataset_root ucf101.pkl --pretrained res3d_k400.pdparams --max_epochs 12 --batch_size 16 \
    --log_iters 100
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay
# paddle.nn.BatchNorm3D's note on every train-mode forward (running stats are what train mode updates anyway)
warnings.filterwarnings("ignore", message="When training, we now always track global mean and variance")
# --to_static (the default): Paddle's own note while it builds the backward program (pir math_op_patch), not ours
warnings.filterwarnings("ignore", message="Tensor do not have 'place' interface for pir graph mode")

import argparse
import os

# before paddle: its C++ info/warning lines of the to_static build ("New Executor is Running", "PIR not support
# input out tensor") off; C++ errors stay
os.environ.setdefault("GLOG_minloglevel", "2")

import paddle

from models import build_model
from utils import UserError, check_flag, get_logger, in_root, run_main, set_device, set_seed, str2bool
from utils.atomic_io import clean_stale
from utils.checkpoint import load_pretrained
from utils.config import load_config
from utils.engine import Run, build_loaders, build_optimizer, evaluate, precise_bn, resume, save, train_one_epoch


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=in_root("configs", "posec3d_r50_ucf101_split1.yaml"),
                   help="yaml (relative paths are also looked up in this folder)")
    p.add_argument("--dataset_root", required=True, help="pose pkl ({'split', 'annotations'}), e.g. ucf101.pkl")
    p.add_argument("--pretrained", default=None, help=".pdparams to start from (K400: res3d_k400.pdparams)")
    p.add_argument("--batch_size", type=int, default=None, help="per card (config train.batch_size: 16)")
    p.add_argument("--max_epochs", type=int, default=None, help="config train.max_epochs: 12 (each = data.repeat "
                                                                "passes)")
    p.add_argument("--max_iters", type=int, default=None, help="stop after this many iterations (TIPC)")
    p.add_argument("--log_iters", type=int, default=10)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--save_dir", default=in_root("output"), help="default: output/ in this folder")
    p.add_argument("--resume", default=None, help="<save_dir>/latest of an earlier run")
    p.add_argument("--learning_rate", type=float, default=None,
                   help="absolute lr (train.learning_rate); default: train.base_lr x total batch / train.base_batch")
    p.add_argument("--num_workers", type=int, default=0)
    p.add_argument("--device", choices=["cpu", "gpu"], default=None)
    p.add_argument("--amp", type=str2bool, default=False, help="float16 autocast (GPU only)")
    p.add_argument("--to_static", type=str2bool, default=True,
                   help="train through paddle.jit.to_static (one card, no --amp): same loss curve, 1.4-2.9x faster "
                        "steps on CPU (bench/results.json); False: dygraph")
    p.add_argument("--use_vdl", type=str2bool, default=False, help="VisualDL scalars in <save_dir>/vdl")
    p.add_argument("--eval_interval", type=int, default=None, help="epochs between evaluations (config: 1)")
    p.add_argument("--split", type=int, choices=[1, 2, 3], default=None, help="UCF-101/HMDB split k: "
                                                                            "data.train_split/test_split = train<k>/test<k>")
    p.add_argument("--label_smoothing", type=float, default=None, help="seed port: 0.1 (mmaction2: 0)")
    p.add_argument("--fc_lr_mult", type=float, default=None, help="seed port: 5.0 (mmaction2: 1)")
    p.add_argument("--precise_bn_iters", type=int, default=None,
                   help="seed port: 200, after every 2nd and the last epoch (0 = off)")
    return p.parse_args(argv)


def config_overrides(args) -> dict:
    """The config keys the flags set (None: keep the config's value)."""
    split = args.split
    return {"train.batch_size": args.batch_size, "train.max_epochs": args.max_epochs,
            "train.learning_rate": args.learning_rate, "train.eval_interval": args.eval_interval,
            "data.train_split": split and f"train{split}", "data.test_split": split and f"test{split}",
            "train.label_smoothing": args.label_smoothing, "model.fc_lr_mult": args.fc_lr_mult,
            "train.precise_bn_iters": args.precise_bn_iters}


class StaticForward(paddle.nn.Layer):
    """model's forward behind its own layer, for paddle.jit.to_static: the model itself (evaluated, saved,
    exported) keeps its dygraph forward; the parameters are the same tensors."""

    def __init__(self, model: paddle.nn.Layer) -> None:
        super().__init__()
        self.model = model

    def forward(self, x):
        return self.model(x)


def setup(args) -> tuple:
    """Everything that can fail on a user's input, before the run writes anything: flags, config, data, weights,
    resume state. Returns (cfg, run, train loader, val loader, pretrained notes)."""
    check_flag(args.log_iters, "--log_iters")
    check_flag(args.num_workers, "--num_workers", low=0)
    check_flag(args.max_iters, "--max_iters")
    cfg = load_config(args.config, config_overrides(args), {"data.train_split": "--split", "data.test_split": "--split"})
    device = set_device(args.device)
    if args.amp and device != "gpu":
        raise UserError("--amp True needs a GPU, the command line, pass --amp False or --device gpu")
    world = paddle.distributed.get_world_size()
    if world > 1:
        paddle.distributed.init_parallel_env()
    set_seed(args.seed)
    train_loader, val_loader = build_loaders(cfg, args.dataset_root, args.num_workers, args.seed)
    model = build_model(cfg["model"])
    notes = load_pretrained(model, args.pretrained, finetune=True) if args.pretrained else []
    tcfg = cfg["train"]
    lr = tcfg["learning_rate"] or tcfg["base_lr"] * tcfg["batch_size"] * world / tcfg["base_batch"]
    scheduler, optimizer = build_optimizer(model, tcfg, lr, len(train_loader))
    run = Run(cfg, model, optimizer, scheduler, args.save_dir, args.max_iters or tcfg["max_epochs"] * len(train_loader),
              args.log_iters, rank0=paddle.distributed.get_rank() == 0)
    if args.resume:
        resume(run, args.resume)
        notes.append(f"resumed from {args.resume} after epoch {run.epoch}")
    if world > 1:
        run.net = paddle.DataParallel(model)
    elif args.to_static and not args.amp:  # the training forward only: evaluation and PreciseBN stay dygraph
        run.net = paddle.jit.to_static(StaticForward(model), full_graph=True)
    else:
        run.net = model
    run.scaler = paddle.amp.GradScaler() if args.amp else None
    return cfg, run, train_loader, val_loader, notes


def end_of_epoch(run: Run, train_loader, val_loader, last: bool) -> None:
    """PreciseBN (when configured), evaluation every eval_interval epochs and at the end, checkpoints (rank 0)."""
    tcfg = run.cfg["train"]
    if tcfg["precise_bn_iters"] and (run.epoch % 2 == 0 or last):
        precise_bn(run.model, train_loader, tcfg["precise_bn_iters"])
    if not run.rank0:
        return
    best = False
    if run.epoch % tcfg["eval_interval"] == 0 or last:
        metrics = evaluate(run.model, val_loader)
        run.logger.info(f"[EVAL] epoch: {run.epoch}, videos: {metrics['videos']}, top1: {metrics['top1']:.4f}, "
                        f"top5: {metrics['top5']:.4f}, mean_class_acc: {metrics['mean_class_acc']:.4f}")
        if run.vdl:
            for k, v in metrics.items():
                run.vdl.add_scalar(f"eval/{k}", v, run.epoch)
        best = metrics["top1"] > run.best_metric
        if best:
            run.best_metric = metrics["top1"]
    save(run, best)
    if best:
        run.logger.info(f"saved best model (top1 {run.best_metric:.4f}) to {run.save_dir}/best_model")


def main(argv=None):
    args = parse_args(argv)
    cfg, run, train_loader, val_loader, notes = setup(args)
    if run.rank0:  # the inputs are valid: from here on the run writes
        clean_stale(args.save_dir)
    run.logger = get_logger(args.save_dir if run.rank0 else None)
    for note in notes:
        run.logger.info(note)
    if args.use_vdl and run.rank0:
        from visualdl import LogWriter
        run.vdl = LogWriter(os.path.join(args.save_dir, "vdl"))
    max_epochs = cfg["train"]["max_epochs"]
    for epoch in range(run.epoch + 1, max_epochs + 1):
        if run.iteration >= run.total_iters:
            break
        set_seed(args.seed + epoch)  # exact resume: every epoch's randomness depends on (seed, epoch) only
        train_one_epoch(run, train_loader, epoch)
        run.epoch = epoch
        end_of_epoch(run, train_loader, val_loader, epoch == max_epochs or run.iteration >= run.total_iters)
    if run.rank0:
        run.logger.info(f"done: {run.iteration} iterations, best top1 {run.best_metric:.4f}")
    if run.vdl:
        run.vdl.close()


if __name__ == "__main__":
    run_main(main)
