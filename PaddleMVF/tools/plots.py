"""Pictures of a run (the notebook shows them; the scripts users run write them the same way).

    python tools/plots.py frames --video <rawframes folder | .avi> --config <cfg> --out frames.png
    python tools/plots.py curves --log <save_dir>/train.log --out curves.png
    python tools/plots.py confusion --scores <test save_dir>/scores.npz --config <cfg> --out confusion.png

frames: the clip the network sees under the config's test protocol (every view's sampled frames, one row per
view, de-normalised). curves: loss and lr per logged iteration and val top-1 per evaluation, read from
train.log. confusion: the confusion matrix of test.py's per-video scores (rows: true class) with per-class
top-1 / top-5 printed as a table.
"""
import argparse
import os
import re
import sys

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

from datasets.transforms import IMAGENET_MEAN, IMAGENET_STD
from datasets.video import read_inputs
from utils import UserError, run_main
from utils.config import class_names, load_config

TRAIN = re.compile(r"\[TRAIN\] epoch: (\d+)/\d+, iter: (\d+)/\d+, loss: ([\d.naninf]+), lr: ([\d.e-]+), top1: ([\d.]+)")
EVAL = re.compile(r"\[EVAL\] epoch: (\d+), videos: \d+, top1: ([\d.]+), top5: ([\d.]+), mean_class_acc: ([\d.]+)")


def _plt():
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt


def _save(fig, out: str) -> None:
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    fig.savefig(out, dpi=100)
    _plt().close(fig)
    print(f"saved {out}")


def frames(video: str, config: str, out: str) -> None:
    cfg = load_config(config)
    name, imgs = read_inputs(video, cfg)[0]
    t = cfg["model"]["num_segments"]
    views = imgs.shape[0] // t
    pics = np.clip(imgs.transpose(0, 2, 3, 1) * np.array(IMAGENET_STD) + np.array(IMAGENET_MEAN), 0, 255)
    plt = _plt()
    cols = min(t, 16)
    fig, axes = plt.subplots(views, cols, figsize=(1.3 * cols + 0.5, 1.4 * views + 0.4), squeeze=False)
    for v in range(views):
        for c in range(cols):
            ax = axes[v][c]
            ax.imshow(pics[v * t + c].astype(np.uint8))
            ax.axis("off")
            if v == 0:
                ax.set_title(f"t={c}", fontsize=8)
    fig.suptitle(f"{os.path.basename(name)}: {views} views x {t} frames", fontsize=9)
    fig.tight_layout()
    _save(fig, out)


def curves(log: str, out: str) -> None:
    if not os.path.isfile(log):
        raise UserError(f"training log {log} not found, pass <save_dir>/train.log of a train.py run")
    text = open(log, encoding="utf-8").read()
    train = [(int(m[1]), float(m[2]), float(m[3])) for m in TRAIN.findall(text)]
    evals = [(int(m[0]), float(m[1])) for m in EVAL.findall(text)]
    if not train:
        raise UserError(f"{log} holds no [TRAIN] line, pass the train.log of a run that logged (--log_iters)")
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(11, 3))
    it = [x[0] for x in train]
    axes[0].plot(it, [x[1] for x in train], marker="o")
    axes[0].set(title="loss", xlabel="iteration")
    axes[1].plot(it, [x[2] for x in train], marker="o", color="tab:orange")
    axes[1].set(title="learning rate", xlabel="iteration")
    axes[2].plot([e[0] for e in evals], [e[1] for e in evals], marker="o", color="tab:green")
    axes[2].set(title="val top-1", xlabel="epoch", ylim=(0, 1.05))
    fig.tight_layout()
    _save(fig, out)


def confusion(scores: str, config: str, out: str) -> None:
    if not os.path.isfile(scores):
        raise UserError(f"{scores} not found, run test.py --save_dir <dir> first")
    data = np.load(scores)
    probs, labels = data["scores"], data["labels"].astype(int)
    names = class_names(load_config(config))
    n = len(names)
    pred = probs.argmax(1)
    matrix = np.zeros((n, n), int)
    np.add.at(matrix, (labels, pred), 1)
    top5 = (np.argsort(-probs, 1)[:, :5] == labels[:, None]).any(1)
    print(f"{'class':<24} {'videos':>6} {'top-1':>6} {'top-5':>6}")
    for c in range(n):
        sel = labels == c
        if sel.any():
            print(f"{names[c]:<24} {int(sel.sum()):>6} {(pred[sel] == c).mean():>6.3f} {top5[sel].mean():>6.3f}")
    plt = _plt()
    size = min(3 + 0.35 * n, 30)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix, cmap="Blues")
    if n <= 30:
        ax.set_xticks(range(n), names, rotation=60, ha="right", fontsize=8)
        ax.set_yticks(range(n), names, fontsize=8)
        for i in range(n):
            for j in range(n):
                if matrix[i, j]:
                    ax.text(j, i, matrix[i, j], ha="center", va="center", fontsize=8,
                            color="white" if matrix[i, j] > matrix.max() / 2 else "black")
    ax.set(xlabel="predicted", ylabel="true", title=f"confusion ({len(labels)} videos, top-1 {(pred == labels).mean():.3f})")
    fig.tight_layout()
    _save(fig, out)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="what", required=True)
    f = sub.add_parser("frames")
    f.add_argument("--video", required=True)
    f.add_argument("--config", required=True)
    f.add_argument("--out", required=True)
    c = sub.add_parser("curves")
    c.add_argument("--log", required=True)
    c.add_argument("--out", required=True)
    m = sub.add_parser("confusion")
    m.add_argument("--scores", required=True)
    m.add_argument("--config", required=True)
    m.add_argument("--out", required=True)
    a = p.parse_args(argv)
    if a.what == "frames":
        frames(a.video, a.config, a.out)
    elif a.what == "curves":
        curves(a.log, a.out)
    else:
        confusion(a.scores, a.config, a.out)


if __name__ == "__main__":
    run_main(main)
