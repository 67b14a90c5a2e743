"""Predict the action of one pose pkl (one annotation dict, e.g. v_xxx.pkl) with a dygraph checkpoint.
python predict.py --input_file v_xxx.pkl --pretrained output/best_model/model.pdparams [--save_vis True]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import argparse  # noqa: E402

import numpy as np  # noqa: E402
import paddle  # noqa: E402

from datasets.pose_dataset import load_videos  # noqa: E402
from datasets.transforms import SKELETON, build_pipeline  # noqa: E402
from models import build_model  # noqa: E402
from models.recognizer3d import average_views  # noqa: E402
from utils import in_root, load_config, run_main, set_device, str2bool  # noqa: E402
from utils.checkpoint import load_pretrained  # noqa: E402


def save_visualisation(ann: dict, views: np.ndarray, label: int, score: float, out_dir: str) -> list[str]:
    """<frame_dir>_skeleton.png: the skeletons of 8 frames on the image; <frame_dir>_heatmaps.png: a montage
    of the first view's heatmap volume (max over the 17 joints, one tile per frame)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(out_dir, exist_ok=True)
    name = ann["frame_dir"]
    kp, score_kp = ann["keypoint"].astype(np.float32), ann["keypoint_score"].astype(np.float32)
    h, w = ann["img_shape"]
    frames = np.linspace(0, ann["total_frames"] - 1, min(8, ann["total_frames"])).astype(int)
    fig, axes = plt.subplots(1, len(frames), figsize=(2.2 * len(frames), 2.2 * h / w), squeeze=False)
    for ax, t in zip(axes[0], frames):
        ax.set_xlim(0, w)
        ax.set_ylim(h, 0)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"frame {t}", fontsize=8)
        for m in range(kp.shape[0]):
            for a, b in SKELETON:
                if score_kp[m, t, a] > 0 and score_kp[m, t, b] > 0:
                    ax.plot(kp[m, t, [a, b], 0], kp[m, t, [a, b], 1], "-", color=f"C{m}", lw=1)
            vis = score_kp[m, t] > 0
            ax.scatter(kp[m, t, vis, 0], kp[m, t, vis, 1], s=4, color=f"C{m}")
    fig.suptitle(f"{name}: class {label} ({score:.3f})", fontsize=9, y=1.08)
    skel = os.path.join(out_dir, f"{name}_skeleton.png")
    fig.savefig(skel, dpi=100, bbox_inches="tight")
    plt.close(fig)
    vol = views[0].max(axis=0)  # [T, H, W]
    cols = min(8, len(vol))
    rows = -(-len(vol) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.2 * cols, 1.2 * rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(vol):
            ax.imshow(vol[i], cmap="jet", vmin=0, vmax=1)
    heat = os.path.join(out_dir, f"{name}_heatmaps.png")
    fig.savefig(heat, dpi=100, bbox_inches="tight")
    plt.close(fig)
    return [skel, heat]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=in_root("configs", "posec3d_r50_ucf101_split1.yaml"))
    p.add_argument("--input_file", default=in_root("test_tipc", "data", "predict_example.pkl"))
    p.add_argument("--pretrained", default=in_root("output", "best_model", "model.pdparams"))
    p.add_argument("--device", choices=["cpu", "gpu"], default=None)
    p.add_argument("--save_vis", type=str2bool, default=False, help="write skeleton + heatmap pictures")
    p.add_argument("--save_dir", default=in_root("output", "vis"))
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config)
    set_device(args.device)
    model = build_model(cfg["model"])
    load_pretrained(model, args.pretrained)
    model.eval()
    pipeline = build_pipeline(cfg["data"], "test")
    for ann in load_videos(args.input_file):
        views = pipeline(dict(ann, start_index=ann.get("start_index", 0)))["imgs"]
        with paddle.no_grad():
            probs = average_views(model(paddle.to_tensor(views)), views.shape[0]).numpy()[0]
        label, score = int(np.argmax(probs)), float(np.max(probs))
        print(f"File {ann['frame_dir']} is class {label} (score {score:.4f})")
        if args.save_vis:
            for path in save_visualisation(ann, views, label, score, args.save_dir):
                print(f"saved {path}")


if __name__ == "__main__":
    run_main(main)
