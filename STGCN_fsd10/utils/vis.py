"""Render a skeleton sequence with matplotlib: a GIF (path *.gif) or a strip of frames (any image path)."""
import os
from typing import List, Tuple

import numpy as np


def valid_frames(sample: np.ndarray) -> int:
    """Frames before the zero-padded tail of one sample [C, T, V, M]."""
    nonzero = np.nonzero(np.abs(sample).sum(axis=(0, 2, 3)) > 0)[0]
    return int(nonzero[-1]) + 1 if len(nonzero) else sample.shape[1]


def save_skeleton_vis(sample: np.ndarray, edges: List[Tuple[int, int]], path: str, title: str = "",
                      num_frames: int = 8) -> None:
    """Draw the bones of person 0 over time; y is flipped when the data is in image order (y down)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import animation

    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    folder, name = os.path.split(os.path.abspath(path))
    tmp = os.path.join(folder, f".{name}.tmp-{os.getpid()}{os.path.splitext(name)[1]}")  # renamed when complete
    t_valid = valid_frames(sample)
    xy = sample[:2, :t_valid, :, 0]  # [2, T, V]
    lim = max(1.0, float(np.abs(xy).max()))

    def draw(ax, t: int) -> None:
        ax.clear()
        for i, j in edges:
            ax.plot(xy[0, t, [i, j]], xy[1, t, [i, j]], "-", color="tab:blue", lw=2)
        ax.plot(xy[0, t], xy[1, t], "o", color="tab:red", ms=3)
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"frame {t}", fontsize=8)

    if path.lower().endswith(".gif"):
        fig, ax = plt.subplots(figsize=(3, 3))
        fig.suptitle(title, fontsize=9)
        step = max(1, t_valid // 60)  # at most ~60 GIF frames
        anim = animation.FuncAnimation(fig, lambda t: draw(ax, t), frames=range(0, t_valid, step))
        anim.save(tmp, writer=animation.PillowWriter(fps=10))
    else:
        frames = np.linspace(0, t_valid - 1, num_frames).astype(int)
        fig, axes = plt.subplots(1, num_frames, figsize=(1.6 * num_frames, 2.2))
        fig.suptitle(title, fontsize=9)
        for ax, t in zip(np.atleast_1d(axes), frames):
            draw(ax, int(t))
        fig.tight_layout()
        fig.savefig(tmp, dpi=100)
    plt.close(fig)
    os.replace(tmp, path)
