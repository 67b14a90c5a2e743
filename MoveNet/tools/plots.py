"""Pictures of the notebook (and of anyone's run), written to files by this folder's own code:

    python tools/plots.py data --dataset_root DIR [--split val] [--index 0] --out data.png
        one crop of the converted data with its keypoints (utils/vis.py palette), the keypoint label heatmaps (max
        over joints) and the centre map the network learns (datasets/label_maps.py)
    python tools/plots.py curves --log <save_dir>/train.log --out curves.png
        loss, lr and train/val acc from the [TRAIN] / [EVAL] lines of train.log
    python tools/plots.py joints --metrics <save_dir>/metrics.json --out joints.png
        per-joint accuracy bars (test.py --save_dir writes metrics.json)"""
import argparse
import json
import os
import re
import sys
from typing import List, Optional

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # run as tools/plots.py

import warnings  # noqa: E402

warnings.filterwarnings('ignore', message='No ccache found')  # paddle's harmless import-time warning

import numpy as np  # noqa: E402

from utils import UserError, cli  # noqa: E402
from utils.atomic_io import write_file_atomic  # noqa: E402

JOINTS = ['nose', 'l_eye', 'r_eye', 'l_ear', 'r_ear', 'l_shoulder', 'r_shoulder', 'l_elbow', 'r_elbow', 'l_wrist',
          'r_wrist', 'l_hip', 'r_hip', 'l_knee', 'r_knee', 'l_ankle', 'r_ankle']


def _save(fig, out: str) -> str:
    import io

    import matplotlib.pyplot as plt
    buf = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buf, format='png', dpi=100)
    plt.close(fig)
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    write_file_atomic(os.path.abspath(out), buf.getvalue())
    print(f'saved {out}')
    return out


def _plt():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def plot_data(dataset_root: str, split: str, index: int, out: str) -> str:
    import cv2

    from datasets.coco_crops import CocoCropDataset
    from utils.vis import draw_pose
    ds = CocoCropDataset(dataset_root, split=split)
    if not 0 <= index < len(ds):
        raise UserError(f'--index {index} outside 0..{len(ds) - 1}, command line, pass a smaller index')
    img, labels, _, kps, _ = ds.load_sample(index, np.random.default_rng(0))
    rgb = img.transpose(1, 2, 0).astype(np.uint8)
    shown = kps.copy()
    shown[:, 2] = (kps[:, 2] > 0).astype(np.float32)  # labelled joints solid, unlabelled hollow
    pose = cv2.cvtColor(draw_pose(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR), shown, thr=0.5, caption=os.path.basename(ds.sample_name(index)),
                                  legend=False), cv2.COLOR_BGR2RGB)
    j = len(kps)
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(9, 3.2))
    axes[0].imshow(pose)
    axes[1].imshow(rgb)
    axes[1].imshow(cv2.resize(labels[:j].max(0), rgb.shape[:2][::-1]), alpha=0.6, cmap='jet', vmin=0, vmax=1)
    axes[2].imshow(labels[j], cmap='jet', vmin=0, vmax=1)
    for ax, t in zip(axes, ('crop + keypoints', 'label heatmaps (max of 17)', 'label centre (48x48)')):
        ax.set_title(t, fontsize=9)
        ax.axis('off')
    return _save(fig, out)


def read_log(path: str):
    """[TRAIN] lines -> (iteration, loss, lr, acc) rows; [EVAL] lines -> (epoch, acc) rows."""
    if not os.path.isfile(path):
        raise UserError(f'{path} not found, --log, pass <save_dir>/train.log of a training run')
    train, val = [], []
    for line in open(path, encoding='utf-8'):
        m = re.search(r'\[TRAIN\] epoch: (\d+)/\d+, iter: (\d+)/\d+, loss: ([\d.e+-]+), lr: ([\d.e+-]+), '
                      r'acc: ([\d.e+-]+)', line)
        if m:
            train.append([float(v) for v in m.groups()[1:]])
        m = re.search(r'\[EVAL\] epoch: (\d+), acc: ([\d.e+-]+)', line)
        if m:
            val.append([float(v) for v in m.groups()])
    if not train:
        raise UserError(f'no [TRAIN] lines in {path}, --log, pass the train.log of a run that logged')
    return np.array(train), np.array(val).reshape(-1, 2)


def plot_curves(log: str, out: str) -> str:
    train, val = read_log(log)
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(10, 3))
    axes[0].plot(train[:, 0], train[:, 1])
    axes[0].set_title('train loss', fontsize=9)
    axes[0].set_xlabel('iteration')
    axes[1].plot(train[:, 0], train[:, 2])
    axes[1].set_title('learning rate', fontsize=9)
    axes[1].set_xlabel('iteration')
    per_epoch = train[-1, 0] / max(1, val[-1, 0]) if len(val) and val[-1, 0] > 0 else 1.0
    axes[2].plot(train[:, 0] / per_epoch, train[:, 3], label='train (batch)')
    if len(val):
        axes[2].plot(val[:, 0], val[:, 1], 'o-', label='val')
    axes[2].set_title('acc', fontsize=9)
    axes[2].set_xlabel('epoch')
    axes[2].legend(fontsize=8)
    return _save(fig, out)


def plot_joints(metrics: str, out: str) -> str:
    if not os.path.isfile(metrics):
        raise UserError(f'{metrics} not found, --metrics, run test.py --save_dir <dir> first')
    with open(metrics, encoding='utf-8') as f:
        data = json.load(f)
    if 'per_joint_acc' not in data:
        raise UserError(f'no per_joint_acc in {metrics}, --metrics, write it again with test.py --save_dir')
    acc = data['per_joint_acc']
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 3))
    colours = ['#2CA02C' if i == 0 else ('#1F77B4' if i % 2 else '#FF7F0E') for i in range(len(acc))]
    ax.bar(range(len(acc)), acc, color=colours)
    ax.set_xticks(range(len(acc)))
    ax.set_xticklabels(JOINTS[:len(acc)], rotation=60, fontsize=8)
    ax.set_ylim(0, 1)
    ax.set_title(f"per-joint acc (mean {data['acc']:.3f}, AP {data.get('AP', 0):.3f})", fontsize=9)
    return _save(fig, out)


@cli
def main(argv: Optional[List[str]] = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest='what', required=True)
    d = sub.add_parser('data')
    d.add_argument('--dataset_root', required=True)
    d.add_argument('--split', default='val')
    d.add_argument('--index', type=int, default=0)
    d.add_argument('--out', required=True)
    c = sub.add_parser('curves')
    c.add_argument('--log', required=True)
    c.add_argument('--out', required=True)
    j = sub.add_parser('joints')
    j.add_argument('--metrics', required=True)
    j.add_argument('--out', required=True)
    args = p.parse_args(argv)
    if args.what == 'data':
        plot_data(args.dataset_root, args.split, args.index, args.out)
    elif args.what == 'curves':
        plot_curves(args.log, args.out)
    else:
        plot_joints(args.metrics, args.out)


if __name__ == '__main__':
    main()
