"""Train ST-GCN on FSD-10 (single card, or multi-card under paddle.distributed.launch).

    python train.py --config configs/stgcn_fsd10.yaml --dataset_root data/fsd10
The loop is utils/engine.py; this script parses the flags, loads the config (flags override its keys) and
calls the engine. --resume without --config continues with the checkpoint's own config.yaml.
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # Paddle's import-time note (issue 17)

from utils.common import ArgumentParser, UserError, folder_path, positive_int, run_main, set_device, str2bool
from utils.config import config_beside, load_config
from utils.engine import Options, fit

# flag -> config key it overrides
OVERRIDES = {"batch_size": "train.batch_size", "max_epochs": "train.epochs", "log_iters": "train.log_iters",
             "seed": "train.seed", "learning_rate": "train.learning_rate", "num_workers": "train.num_workers",
             "eval_interval": "train.eval_interval", "full_train": "data.full_train",
             "window_size": "data.transforms.AutoPadding.window_size"}


def parse_args(argv=None):
    p = ArgumentParser(prog="train.py", description="Train ST-GCN on FSD-10")
    p.add_argument("--config", default=None,
                   help="default: configs/stgcn_fsd10.yaml, or the config.yaml beside --resume")
    p.add_argument("--dataset_root", default=folder_path("data", "fsd10"),
                   help="dir with the config's data.data_file and data.label_file")
    p.add_argument("--pretrained", default=None, help="model.pdparams to start from (another class count: the "
                                                      "head is re-initialised, with a warning)")
    p.add_argument("--batch_size", type=positive_int, default=None, help="per card (config: train.batch_size)")
    p.add_argument("--max_epochs", type=positive_int, default=None, help="config: train.epochs")
    p.add_argument("--max_iters", type=positive_int, default=None, help="stop after this many iterations in total")
    p.add_argument("--log_iters", type=positive_int, default=None, help="config: train.log_iters")
    p.add_argument("--seed", type=int, default=None, help="config: train.seed")
    p.add_argument("--save_dir", default=folder_path("output"))
    p.add_argument("--resume", default=None, help="<save_dir>/latest to continue from")
    p.add_argument("--learning_rate", type=float, default=None, help="config: train.learning_rate")
    p.add_argument("--num_workers", type=int, default=None, help="config: train.num_workers")
    p.add_argument("--device", choices=["cpu", "gpu"], default=None, help="default: gpu when present")
    p.add_argument("--amp", type=str2bool, default=False, help="mixed precision (GPU only)")
    p.add_argument("--use_vdl", type=str2bool, default=False, help="VisualDL scalars in <save_dir>/vdl_log")
    p.add_argument("--eval_interval", type=positive_int, default=None, help="evaluate every N epochs")
    p.add_argument("--window_size", type=positive_int, default=None,
                   help="AutoPadding window (config: window_size of AutoPadding in data.transforms)")
    p.add_argument("--full_train", type=str2bool, default=None,
                   help="train on all samples, no validation (config: data.full_train)")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    config = args.config or config_beside(args.resume) or folder_path("configs", "stgcn_fsd10.yaml")
    given = {key: getattr(args, flag) for flag, key in OVERRIDES.items()}
    cfg = load_config(config, given, {key: f"--{flag}" for flag, key in OVERRIDES.items()})
    device = set_device(args.device)
    if args.amp and device != "gpu":
        raise UserError("--amp True needs a GPU, drop it or pass --device gpu on a GPU machine")
    return fit(cfg, Options(args.dataset_root, args.save_dir, args.pretrained, args.resume, args.max_iters,
                            args.amp, args.use_vdl))


if __name__ == "__main__":
    run_main(main)
