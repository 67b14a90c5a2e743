"""Predict the action of the videos in a pose pkl (one annotation dict like v_xxx.pkl, a list, or a whole
{'split', 'annotations'} file) with a dygraph checkpoint; prints id, class name, score and top-5 per video. The
config is the config.yaml beside --pretrained unless --config overrides it.
python predict.py --input_file v_xxx.pkl --pretrained output/best_model/model.pdparams [--save_vis True]
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay

import argparse
import os

import numpy as np
import paddle

from datasets.pose_dataset import load_videos, video_views
from datasets.transforms import build_pipeline
from models import build_model
from models.recognizer3d import average_views
from utils import in_root, run_main, set_device, str2bool
from utils.checkpoint import load_pretrained
from utils.config import class_names, load_config, resolve_config
from utils.predictions import prediction, print_prediction


def _savefig(fig, path: str) -> None:
    """A png written to a temporary name, then renamed (never a half-written picture)."""
    import matplotlib.pyplot as plt
    tmp = f"{path}.tmp-{os.getpid()}"
    fig.savefig(tmp, dpi=100, bbox_inches="tight", format="png")
    plt.close(fig)
    os.replace(tmp, path)


def save_visualisation(ann: dict, views: np.ndarray, title: str, skeleton, out_dir: str) -> list:
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
            for a, b in skeleton:
                if score_kp[m, t, a] > 0 and score_kp[m, t, b] > 0:
                    ax.plot(kp[m, t, [a, b], 0], kp[m, t, [a, b], 1], "-", color=f"C{m}", lw=1)
            vis = score_kp[m, t] > 0
            ax.scatter(kp[m, t, vis, 0], kp[m, t, vis, 1], s=4, color=f"C{m}")
    fig.suptitle(f"{name}: {title}", fontsize=9, y=1.08)
    skel = os.path.join(out_dir, f"{name}_skeleton.png")
    _savefig(fig, skel)
    vol = views[0].max(axis=0)  # [T, H, W]
    cols = min(8, len(vol))
    rows = -(-len(vol) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.2 * cols, 1.2 * rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(vol):
            ax.imshow(vol[i], cmap="jet", vmin=0, vmax=1)
    heat = os.path.join(out_dir, f"{name}_heatmaps.png")
    _savefig(fig, heat)
    return [skel, heat]


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=None, help="default: config.yaml beside --pretrained")
    p.add_argument("--input_file", default=in_root("test_tipc", "data", "predict_example.pkl"))
    p.add_argument("--pretrained", default=in_root("output", "best_model", "model.pdparams"))
    p.add_argument("--device", choices=["cpu", "gpu"], default=None)
    p.add_argument("--save_vis", type=str2bool, default=False, help="write skeleton + heatmap pictures")
    p.add_argument("--save_dir", default=in_root("output", "vis"))
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(resolve_config(args.config, args.pretrained, "--pretrained"))
    names = class_names(cfg)
    anns = load_videos(args.input_file)
    set_device(args.device)
    model = build_model(cfg["model"])
    for note in load_pretrained(model, args.pretrained):
        print(note)
    model.eval()
    pipeline = build_pipeline(cfg["data"], "test")
    for ann in anns:
        views = video_views(pipeline, ann)
        with paddle.no_grad():
            probs = average_views(model(paddle.to_tensor(views)), views.shape[0]).numpy()[0]
        entry = prediction(ann["frame_dir"], probs, names, args.pretrained)
        print_prediction(entry)
        if args.save_vis:
            title = f"class {entry['class_id']} {entry['class_name']} ({entry['score']:.3f})"
            for path in save_visualisation(ann, views, title, cfg["data"]["skeletons"], args.save_dir):
                print(f"saved {path}")


if __name__ == "__main__":
    run_main(main)
