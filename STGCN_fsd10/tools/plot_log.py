"""Training curves of a run, read from its train.log: loss and train top-1 per logged iteration, the learning
rate, and the validation top-1 per evaluated epoch, as one PNG.

    python tools/plot_log.py --log output/train.log --out output/curves.png
"""
import argparse
import os
import re
import sys
from typing import Dict, List

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from utils.common import UserError, run_main

TRAIN = re.compile(r"\[TRAIN\] epoch: (\d+)/\d+, iter: (\d+)/(\d+), loss: ([-\d.naif]+), lr: ([\d.e+-]+), "
                   r"top1: ([\d.]+)")
EVAL = re.compile(r"\[EVAL\] epoch: (\d+), top1: ([\d.]+)")


def read_log(path: str) -> Dict[str, List[float]]:
    """{"step", "loss", "lr", "top1", "epoch", "val_top1"} lists; step = epoch - 1 + iter / iters."""
    if not os.path.isfile(path):
        raise UserError(f"log not found, {path}, train.py writes <save_dir>/train.log")
    curves = {k: [] for k in ("step", "loss", "lr", "top1", "epoch", "val_top1")}
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = TRAIN.search(line)
            if m:
                epoch, it, iters = int(m[1]), int(m[2]), int(m[3])
                curves["step"].append(epoch - 1 + it / iters)
                curves["loss"].append(float(m[4]))
                curves["lr"].append(float(m[5]))
                curves["top1"].append(float(m[6]))
            m = EVAL.search(line)
            if m:
                curves["epoch"].append(int(m[1]))
                curves["val_top1"].append(float(m[2]))
    if not curves["step"]:
        raise UserError(f"no [TRAIN] lines in {path}, pass the train.log of a run (train.py --log_iters N)")
    return curves


def plot(curves: Dict[str, List[float]], out: str, title: str = "") -> str:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
    axes[0].plot(curves["step"], curves["loss"], "-o", ms=3, color="#1F77B4")
    axes[0].set_title("training loss")
    axes[1].plot(curves["step"], curves["lr"], "-", color="#FF7F0E")
    axes[1].set_title("learning rate")
    axes[2].plot(curves["step"], curves["top1"], "-o", ms=3, color="#999999", label="train batch top-1")
    if curves["epoch"]:
        axes[2].plot(curves["epoch"], curves["val_top1"], "-s", ms=5, color="#2CA02C", label="val top-1")
    axes[2].set_ylim(-0.02, 1.02)
    axes[2].set_title("top-1")
    axes[2].legend(fontsize=8)
    for ax in axes:
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = os.path.join(os.path.dirname(os.path.abspath(out)), f".{os.path.basename(out)}.tmp-{os.getpid()}.png")
    fig.savefig(tmp, dpi=100)
    plt.close(fig)
    os.replace(tmp, out)
    return out


def main(argv=None) -> str:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--log", required=True, help="<save_dir>/train.log")
    p.add_argument("--out", required=True, help="PNG to write")
    args = p.parse_args(argv)
    out = plot(read_log(args.log), args.out, os.path.basename(os.path.dirname(os.path.abspath(args.log))))
    print(f"training curves written to {out}")
    return out


if __name__ == "__main__":
    run_main(main)
