"""Pictures of the folder: NTU skeleton strips (data and predict.py --save_vis), training curves from a train.log,
and the confusion matrix of test.py. Matplotlib (Agg), written atomically.

One skeleton palette in every folder of the project (issue 17): limbs of the person's LEFT side #1F77B4 (blue),
RIGHT side #FF7F0E (orange), centre/torso/head #2CA02C (green); joints white with a dark outline. NTU skeletons
carry no per-joint confidence, so no joint is drawn hollow. Line widths and text scale with the panel size.

Joint sides follow the official NTU RGB+D joint list (Shahroudy et al., "NTU RGB+D: A Large Scale Dataset for 3D
Human Activity Analysis", CVPR 2016, Fig. 1; the Kinect v2 JointType order), 1-based:
 1 base of the spine, 2 middle of the spine, 3 neck, 4 head, 5 left shoulder, 6 left elbow, 7 left wrist,
 8 left hand, 9 right shoulder, 10 right elbow, 11 right wrist, 12 right hand, 13 left hip, 14 left knee,
 15 left ankle, 16 left foot, 17 right hip, 18 right knee, 19 right ankle, 20 right foot, 21 spine (shoulders),
 22 tip of the left hand, 23 left thumb, 24 tip of the right hand, 25 right thumb.
"Left" is the subject's own left. The same 0-based string is STGCN_fsd10's utils/vis.py SIDES["ntu-rgb+d"].
"""
import io
import os
import re
from typing import Dict, List, Optional, Sequence

import numpy as np

from utils import UserError
from utils.atomic_io import write_file_atomic

LEFT, RIGHT, CENTRE = '#1F77B4', '#FF7F0E', '#2CA02C'
JOINT_FACE, JOINT_EDGE = 'white', '#222222'
NTU_SIDES = 'CCCCLLLLRRRRLLLLRRRRCLLRR'  # 0-based joint -> L/R/C (see the module docstring)
SIDE_COLOURS = {'L': LEFT, 'R': RIGHT, 'C': CENTRE}


def limb_colour(i: int, j: int, sides: str = NTU_SIDES) -> str:
    """A bone is left (right) when either end is a left (right) joint, else centre (spine, neck, head)."""
    ends = {sides[i], sides[j]}
    return LEFT if 'L' in ends else RIGHT if 'R' in ends else CENTRE


def valid_frames(sample: np.ndarray) -> np.ndarray:
    """Indices of the frames of one sample [C, T, V, M] where somebody is present."""
    return np.nonzero(np.abs(sample).sum(axis=(0, 2, 3)) > 0)[0]


def _plt():
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    return plt


def _save(fig, path: str, dpi: int = 90) -> str:
    plt = _plt()
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png', dpi=dpi)
    plt.close(fig)
    write_file_atomic(path, buffer.getvalue())
    return path


def _draw_skeleton(ax, sample: np.ndarray, t: int, box, scale: float) -> None:
    """Every present person of frame t as the camera saw it: Kinect camera space has +x to the sensor's left
    (the facing subject's right), y up, so x is drawn growing to the left (a person's right hand on the
    picture's left, as in a photo)."""
    from models.graph import NTU_EDGES_1BASED
    lw, ms = 2.2 * scale, 4.5 * scale
    for m in range(sample.shape[3]):
        joints = sample[:, t, :, m]
        if not joints.any():
            continue
        for a, b in NTU_EDGES_1BASED:
            ax.plot(joints[0, [a - 1, b - 1]], joints[1, [a - 1, b - 1]], '-', color=limb_colour(a - 1, b - 1),
                    lw=lw, solid_capstyle='round', zorder=2)
        ax.plot(joints[0], joints[1], 'o', mfc=JOINT_FACE, mec=JOINT_EDGE, mew=0.8 * scale, ms=ms, ls='none',
                zorder=3)
    ax.set_xlim(box[1], box[0])
    ax.set_ylim(box[2], box[3])
    ax.set_aspect('equal')
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_color('#BBBBBB')


def save_skeleton_vis(sample: np.ndarray, path: str, title: str = '', num_frames: int = 6,
                      attention: Optional[Dict[str, np.ndarray]] = None, panel_inches: float = 2.4) -> str:
    """A strip of `num_frames` frames of one NTU sample [3, T, 25, M] (x, y, z in metres; every person drawn,
    camera view),
    the caption `title` on top, a left/right/centre legend below; with `attention` ({layer: [T', 25]}) a second
    row of the ST-Joint attention maps (frames x joints). Returns path (a PNG)."""
    from matplotlib.lines import Line2D
    plt = _plt()
    sample = np.asarray(sample, dtype=np.float64)
    if sample.ndim != 4 or sample.shape[0] < 2 or sample.shape[2] != 25:
        raise UserError(f'cannot draw a sample of shape {list(sample.shape)}, expected [3, T, 25, M] NTU joints')
    present = valid_frames(sample)
    if not len(present):
        raise UserError('cannot draw an all-zero sample, pick another --index')
    frames = present[np.linspace(0, len(present) - 1, min(num_frames, len(present))).astype(int)]
    pts = sample[:2, present].transpose(0, 1, 3, 2).reshape(2, -1)
    pts = pts[:, np.abs(pts).sum(0) > 0]
    centre, half = (pts.max(1) + pts.min(1)) / 2, max(float((pts.max(1) - pts.min(1)).max()) / 2 * 1.1, 0.1)
    box = (centre[0] - half, centre[0] + half, centre[1] - half, centre[1] + half)
    scale = max(panel_inches / 3.0, 0.7)
    fs = 8 * max(scale, 0.9)
    rows = 2 if attention else 1
    cols = max(len(frames), len(attention) if attention else 0)
    fig = plt.figure(figsize=(panel_inches * cols, panel_inches * rows + 0.8))
    for i, t in enumerate(frames):
        ax = fig.add_subplot(rows, cols, i + 1)
        _draw_skeleton(ax, sample, int(t), box, scale)
        ax.set_title(f'frame {t}', fontsize=fs)
    for i, (name, att) in enumerate((attention or {}).items()):
        ax = fig.add_subplot(rows, cols, cols + i + 1)
        im = ax.imshow(np.asarray(att).T, aspect='auto', cmap='viridis')
        ax.set_title(f'{name} attention', fontsize=fs)
        ax.set_xlabel('frame (after stride)', fontsize=fs - 1)
        ax.set_ylabel('joint', fontsize=fs - 1)
        fig.colorbar(im, ax=ax)
    legend = [Line2D([], [], color=c, lw=2.2 * scale, label=n) for n, c in (('left', LEFT), ('right', RIGHT),
                                                                             ('centre', CENTRE))]
    fig.legend(handles=legend, loc='lower center', ncol=3, fontsize=fs, frameon=False)
    fig.suptitle(title, fontsize=fs + 2)
    fig.tight_layout(rect=(0, 0.06, 1, 0.94))
    return _save(fig, path)


TRAIN_LINE = re.compile(r'\[TRAIN\] epoch: (\d+)/\d+, iter: (\d+)/(\d+), loss: ([-\w.]+), lr: ([\d.e+-]+), '
                        r'top1: ([\d.]+)')
EVAL_LINE = re.compile(r'\[EVAL\] epoch: (\d+), top1: ([\d.]+)')


def read_train_log(path: str) -> Dict[str, List[float]]:
    """{step, loss, lr, top1, epoch, val_top1} from a train.log (step = epoch - 1 + iter / iters)."""
    if not os.path.isfile(path):
        raise UserError(f'{path} not found, train.py writes <save_dir>/train.log')
    curves = {k: [] for k in ('step', 'loss', 'lr', 'top1', 'epoch', 'val_top1')}
    with open(path, encoding='utf-8') as f:
        for line in f:
            m = TRAIN_LINE.search(line)
            if m:
                curves['step'].append(int(m[1]) - 1 + int(m[2]) / int(m[3]))
                for key, value in zip(('loss', 'lr', 'top1'), (m[4], m[5], m[6])):
                    curves[key].append(float(value))
            m = EVAL_LINE.search(line)
            if m:
                curves['epoch'].append(int(m[1]))
                curves['val_top1'].append(float(m[2]))
    if not curves['step']:
        raise UserError(f'no [TRAIN] lines in {path}, pass the train.log of a run (train.py --log_iters N)')
    return curves


def save_curves(curves: Dict[str, List[float]], path: str, title: str = '') -> str:
    """Loss, learning rate and top-1 (train batches, validation epochs) side by side."""
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(11, 3.2))
    axes[0].plot(curves['step'], curves['loss'], '-o', ms=3, color=LEFT)
    axes[0].set_title('training loss')
    axes[1].plot(curves['step'], curves['lr'], '-', color=RIGHT)
    axes[1].set_title('learning rate')
    axes[2].plot(curves['step'], curves['top1'], '-o', ms=3, color='#999999', label='train batch top-1')
    if curves['epoch']:
        axes[2].plot(curves['epoch'], curves['val_top1'], '-s', ms=5, color=CENTRE, label='val top-1')
    axes[2].set_ylim(-0.02, 1.02)
    axes[2].set_title('top-1')
    axes[2].legend(fontsize=8)
    for ax in axes:
        ax.set_xlabel('epoch')
        ax.grid(alpha=0.3)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return _save(fig, path)


def confusion_matrix(pred: np.ndarray, labels: np.ndarray, num_class: int) -> np.ndarray:
    cm = np.zeros((num_class, num_class), np.int64)
    np.add.at(cm, (np.asarray(labels, np.int64), np.asarray(pred, np.int64)), 1)
    return cm


def save_confusion(cm: np.ndarray, names: Sequence[str], path: str, title: str = '') -> str:
    """Rows: true class, columns: predicted; counts written in the cells when there are few classes."""
    plt = _plt()
    n = len(cm)
    size = min(max(4.0, 0.25 * n + 2), 16)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    im = ax.imshow(cm, cmap='Blues')
    fig.colorbar(im, ax=ax)
    if n <= 20:
        ticks = [s if len(s) <= 18 else s[:17] + '…' for s in names]
        ax.set_xticks(range(n), ticks, rotation=45, ha='right', fontsize=8)
        ax.set_yticks(range(n), ticks, fontsize=8)
        for i in range(n):
            for j in range(n):
                ax.text(j, i, str(cm[i, j]), ha='center', va='center', fontsize=8,
                        color='white' if cm[i, j] > cm.max() / 2 else 'black')
    ax.set_xlabel('predicted')
    ax.set_ylabel('true')
    ax.set_title(title or 'confusion matrix', fontsize=10)
    fig.tight_layout()
    return _save(fig, path)
