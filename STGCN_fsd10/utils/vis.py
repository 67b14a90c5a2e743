"""Render a skeleton sequence with matplotlib: a GIF (path *.gif) or a strip of frames (any image path).

One palette in every folder of the project (issue 17): limbs of the person's LEFT side #1F77B4 (blue), RIGHT side
#FF7F0E (orange), centre/torso/head #2CA02C (green); joints white with a dark outline, hollow (no fill) where the
keypoint confidence is under a threshold. Line widths and text scale with the picture; the whole frame is drawn
(x, y in -1..1 as the data has them, or the video frame in pixels at its true aspect with --frame_size), and the
caption says the class name and score. ST-GCN takes the whole skeleton: there is no input crop to draw.
"""
import os
from typing import List, Optional, Sequence, Tuple

import numpy as np

LEFT, RIGHT, CENTRE = "#1F77B4", "#FF7F0E", "#2CA02C"
JOINT_FACE, JOINT_EDGE = "white", "#222222"

# Joint order of each layout, the source of truth for the left/right colours.
# fsd10: OpenPose BODY_25, as documented in CMU-Perceptual-Computing-Lab/openpose doc/02_output.md
#   ("Pose Output Format (BODY_25)", output_keypoints.md in later releases): 0 nose, 1 neck, 2-4 right
#   shoulder/elbow/wrist, 5-7 left, 8 mid-hip, 9-11 right hip/knee/ankle, 12-14 left, 15/16 right/left eye,
#   17/18 right/left ear, 19-21 left big toe/small toe/heel, 22-24 right. Same list as models/graph.FSD10_JOINTS.
# ntu-rgb+d: the 25 Kinect v2 joints in the order of the NTU RGB+D paper (Shahroudy et al., CVPR 2016, Fig. 1),
#   0-based here.
SIDES = {
    "fsd10": "CCRRRLLLCRRRLLLRLRLLLLRRR",
    "ntu-rgb+d": "CCCCLLLLRRRRLLLLRRRRCLLRR",
}
SIDE_COLOURS = {"L": LEFT, "R": RIGHT, "C": CENTRE}


def valid_frames(sample: np.ndarray) -> int:
    """Frames before the zero-padded tail of one sample [C, T, V, M]."""
    nonzero = np.nonzero(np.abs(sample).sum(axis=(0, 2, 3)) > 0)[0]
    return int(nonzero[-1]) + 1 if len(nonzero) else sample.shape[1]


def limb_colour(edge: Tuple[int, int], sides: str) -> str:
    """A limb is left (right) when either end is a left (right) joint, else centre: the neck-shoulder and
    hip-knee bones take their side's colour, the spine and head centre-line stay green."""
    ends = {sides[edge[0]], sides[edge[1]]}
    return LEFT if "L" in ends else RIGHT if "R" in ends else CENTRE


def image_order(xy: np.ndarray, layout: str) -> bool:
    """True when y grows downwards (OpenPose pixels, tools/openpose_to_npy.py): the head is above the hips
    on screen, so its y is the smaller one. xy: [2, T, V]."""
    head, hip = (0, 8) if layout == "fsd10" else (3, 0)
    return float(np.mean(xy[1, :, head] - xy[1, :, hip])) < 0


def save_skeleton_vis(sample: np.ndarray, edges: List[Tuple[int, int]], path: str, title: str = "",
                      num_frames: int = 8, layout: str = "fsd10", threshold: float = 0.3,
                      frame_size: Optional[Sequence[int]] = None, size_inches: float = 3.0) -> None:
    """Draw person 0 of one sample [C, T, V, M] over time. A third channel is OpenPose's confidence: joints
    under `threshold` are drawn hollow. frame_size (W, H): the data are -1..1 coordinates of a W x H video
    (tools/openpose_to_npy.py), drawn in pixels on the whole frame at its aspect ratio."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib import animation
    from matplotlib.lines import Line2D

    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    folder, name = os.path.split(os.path.abspath(path))
    tmp = os.path.join(folder, f".{name}.tmp-{os.getpid()}{os.path.splitext(name)[1]}")  # renamed when complete
    sides = SIDES[layout]
    t_valid = valid_frames(sample)
    xy = sample[:2, :t_valid, :, 0].astype(np.float64)  # [2, T, V]
    score = sample[2, :t_valid, :, 0] if sample.shape[0] >= 3 and layout == "fsd10" else None
    flip = image_order(xy, layout)
    if frame_size:
        width, height = frame_size
        xy = np.stack([(xy[0] + 1) / 2 * width, (xy[1] + 1) / 2 * height])
        box = (0.0, float(width), 0.0, float(height))
    else:
        lim = max(1.0, float(np.abs(xy).max()))
        box = (-lim, lim, -lim, lim)
    aspect = (box[1] - box[0]) / (box[3] - box[2])
    panel_w, panel_h = (size_inches, size_inches / aspect) if aspect >= 1 else (size_inches * aspect, size_inches)
    scale = max(min(panel_w, panel_h) / 3.0, 0.7)  # 1 at a 3-inch panel: widths and fonts follow the picture
    lw, ms, fs = 2.2 * scale, 4.5 * scale, 8 * max(scale, 0.8)

    def draw(ax, t: int) -> None:
        ax.clear()
        ax.add_patch(matplotlib.patches.Rectangle((box[0], box[2]), box[1] - box[0], box[3] - box[2], fill=False,
                                                  lw=0.6 * scale, ec="#999999"))
        for i, j in edges:
            ax.plot(xy[0, t, [i, j]], xy[1, t, [i, j]], "-", color=limb_colour((i, j), sides), lw=lw,
                    solid_capstyle="round", zorder=2)
        confident = np.ones(xy.shape[2], bool) if score is None else score[t] >= threshold
        ax.plot(xy[0, t, confident], xy[1, t, confident], "o", mfc=JOINT_FACE, mec=JOINT_EDGE, mew=0.8 * scale,
                ms=ms, zorder=3, ls="none")
        ax.plot(xy[0, t, ~confident], xy[1, t, ~confident], "o", mfc="none", mec=JOINT_EDGE, mew=0.8 * scale,
                ms=ms, zorder=3, ls="none")
        pad = 0.02 * (box[1] - box[0])  # the frame's border stays inside the axes
        ax.set_xlim(box[0] - pad, box[1] + pad)
        ax.set_ylim((box[3] + pad, box[2] - pad) if flip else (box[2] - pad, box[3] + pad))
        ax.set_aspect("equal")
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        ax.set_title(f"frame {t}", fontsize=fs)

    legend = [Line2D([], [], color=LEFT, lw=lw, label="left"), Line2D([], [], color=RIGHT, lw=lw, label="right"),
              Line2D([], [], color=CENTRE, lw=lw, label="centre")]
    if score is not None:
        legend.append(Line2D([], [], marker="o", ls="none", mfc="none", mec=JOINT_EDGE, ms=ms,
                             label=f"confidence < {threshold:g}"))
    if path.lower().endswith(".gif"):
        fig, ax = plt.subplots(figsize=(panel_w, panel_h + 0.9 * scale))
        fig.subplots_adjust(left=0.02, right=0.98, top=0.86, bottom=0.12)
        fig.suptitle(title, fontsize=fs + 1)
        fig.legend(handles=legend, loc="lower center", ncol=len(legend), fontsize=fs - 1, frameon=False,
                   handlelength=1.2, columnspacing=0.8)
        step = max(1, t_valid // 60)  # at most ~60 GIF frames
        anim = animation.FuncAnimation(fig, lambda t: draw(ax, t), frames=range(0, t_valid, step))
        anim.save(tmp, writer=animation.PillowWriter(fps=10))
    else:
        frames = np.linspace(0, t_valid - 1, num_frames).astype(int)
        fig, axes = plt.subplots(1, num_frames, figsize=(0.6 * panel_w * num_frames, 0.6 * panel_h + 0.8))
        fig.suptitle(title, fontsize=fs + 1)
        for ax, t in zip(np.atleast_1d(axes), frames):
            draw(ax, int(t))
        fig.legend(handles=legend, loc="lower center", ncol=len(legend), fontsize=fs - 1, frameon=False)
        fig.tight_layout(rect=(0, 0.1, 1, 0.95))
        fig.savefig(tmp, dpi=100)
    plt.close(fig)
    os.replace(tmp, path)
