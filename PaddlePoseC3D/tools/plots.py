"""Pictures of a run, for people and for the AI Studio notebook (issue 13):

    python tools/plots.py curves --log output/train.log --out output/curves.png
    python tools/plots.py confusion --scores output/test/scores.npz --config output/best_model/config.yaml --out cm.png

curves: loss and lr per logged iteration, val top-1 per evaluated epoch, read from train.log's [TRAIN] / [EVAL] lines.
confusion: the confusion matrix (rows: true class, row-normalised) of test.py --save_dir's scores.npz, with the
top-1/top-5 table printed.
"""
from __future__ import annotations

import os
import re
import sys
import warnings

warnings.filterwarnings("ignore", message="No ccache found")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse

import numpy as np

from utils import UserError, run_main

TRAIN = re.compile(r"\[TRAIN\] epoch: (\d+)/\d+, iter: (\d+)/(\d+), loss: ([0-9.eE+-]+|nan), lr: ([0-9.eE+-]+)")
EVAL = re.compile(r"\[EVAL\] epoch: (\d+), videos: \d+, top1: ([0-9.]+)")


def read_log(path: str) -> tuple:
    """([(step, loss, lr)], [(epoch, top1)]) from train.log."""
    if not os.path.isfile(path):
        raise UserError(f"log not found, --log {path}, pass the train.log of a run (<save_dir>/train.log)")
    train, val = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = TRAIN.search(line)
            if m:
                epoch, it, per = int(m.group(1)), int(m.group(2)), int(m.group(3))
                train.append(((epoch - 1) * per + it, float(m.group(4)), float(m.group(5))))
            m = EVAL.search(line)
            if m:
                val.append((int(m.group(1)), float(m.group(2))))
    if not train:
        raise UserError(f"no [TRAIN] lines, --log {path}, pass a train.log written by train.py")
    return train, val


def _save(fig, out: str) -> str:
    import matplotlib.pyplot as plt
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    tmp = f"{out}.tmp-{os.getpid()}"
    fig.savefig(tmp, dpi=100, bbox_inches="tight", format="png")
    plt.close(fig)
    os.replace(tmp, out)
    return out


def plot_curves(log: str, out: str) -> str:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    train, val = read_log(log)
    steps, loss, lr = (np.array(c) for c in zip(*train))
    fig, axes = plt.subplots(1, 3, figsize=(11, 3))
    axes[0].plot(steps, loss, "-o", ms=3)
    axes[0].set(title="train loss", xlabel="iteration")
    axes[1].plot(steps, lr, "-", color="C1")
    axes[1].set(title="learning rate", xlabel="iteration")
    if val:
        ep, top1 = zip(*val)
        axes[2].plot(ep, top1, "-o", color="C2")
    axes[2].set(title="val top-1", xlabel="epoch", ylim=(0, 1.02))
    fig.tight_layout()
    return _save(fig, out)


def plot_confusion(scores: str, names: list, out: str) -> str:
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    if not os.path.isfile(scores):
        raise UserError(f"scores not found, --scores {scores}, run test.py --save_dir <dir> first")
    data = np.load(scores)
    probs, labels = data["scores"], data["labels"].astype(int)
    k = probs.shape[1]
    cm = np.zeros((k, k))
    np.add.at(cm, (labels, probs.argmax(1)), 1)
    norm = cm / np.maximum(cm.sum(1, keepdims=True), 1)
    top5 = (np.argsort(-probs, 1)[:, :5] == labels[:, None]).any(1)
    print("| class | videos | top-1 | top-5 |\n| --- | --- | --- | --- |")
    for c in range(k):
        sel = labels == c
        if sel.any():
            print(f"| {c} {names[c] if c < len(names) else ''} | {int(sel.sum())} | {norm[c, c]:.3f} | "
                  f"{top5[sel].mean():.3f} |")
    size = min(12, 2 + 0.5 * k)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(norm, cmap="Blues", vmin=0, vmax=1)
    if k <= 20:
        ax.set_xticks(range(k), [names[i] if i < len(names) else str(i) for i in range(k)], rotation=45, ha="right")
        ax.set_yticks(range(k), [names[i] if i < len(names) else str(i) for i in range(k)])
        for i in range(k):
            for j in range(k):
                if cm[i, j]:
                    ax.text(j, i, int(cm[i, j]), ha="center", va="center",
                            color="white" if norm[i, j] > 0.5 else "black")
    ax.set(xlabel="predicted", ylabel="true", title=f"top-1 {(probs.argmax(1) == labels).mean():.3f}, "
                                                     f"top-5 {top5.mean():.3f} ({len(labels)} videos)")
    return _save(fig, out)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    c = sub.add_parser("curves")
    c.add_argument("--log", required=True)
    c.add_argument("--out", required=True)
    m = sub.add_parser("confusion")
    m.add_argument("--scores", required=True)
    m.add_argument("--config", required=True, help="the config with the class list (config.yaml of the run)")
    m.add_argument("--out", required=True)
    args = p.parse_args(argv)
    if args.what == "curves":
        print(f"saved {plot_curves(args.log, args.out)}")
    else:
        from utils.config import class_names, load_config
        print(f"saved {plot_confusion(args.scores, class_names(load_config(args.config)), args.out)}")


if __name__ == "__main__":
    run_main(main)
