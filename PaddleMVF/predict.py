"""Predict the action of one video: a rawframes folder or a video file (as the seed, 30-view test).

    python predict.py --config configs/mvf_r50_16x4_ucf101.yaml --pretrained output/best_model/model.pdparams \
        --video data/ucf101/rawframes/ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01 \
        --class_index data/ucf101/annotations/classInd.txt --save_vis output/pred.png

Prints `Top1 class:<name> prob:<p>`.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import paddle  # noqa: E402

from datasets.transforms import IMAGENET_MEAN, IMAGENET_STD, build_pipeline  # noqa: E402
from datasets.video import load_input  # noqa: E402
from models import average_views, build_model  # noqa: E402
from utils import DEFAULT_CONFIG, default_device, from_root, load_config, read_class_names, run_main, set_device  # noqa: E402
from utils.checkpoint import load_weights  # noqa: E402


def save_vis(path: str, imgs: np.ndarray, num_segments: int, probs: np.ndarray, names: list) -> None:
    """Frames of the first view with the top-5 classes as a bar chart."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    frames = imgs[:num_segments].transpose(0, 2, 3, 1) * np.array(IMAGENET_STD) + np.array(IMAGENET_MEAN)
    frames = np.clip(frames, 0, 255).astype(np.uint8)
    shown = min(num_segments, 8)
    fig, axes = plt.subplots(1, shown + 1, figsize=(2.2 * (shown + 2), 2.6),
                             gridspec_kw={"width_ratios": [1] * shown + [2]})
    for ax, i in zip(axes[:shown], np.linspace(0, num_segments - 1, shown).astype(int)):
        ax.imshow(frames[i])
        ax.set_title(f"t={i}", fontsize=8)
        ax.axis("off")
    top = np.argsort(-probs)[:5][::-1]
    axes[-1].barh([names[i] for i in top], probs[top], color="tab:blue")
    axes[-1].set_xlim(0, 1)
    axes[-1].set_title("top-5 prob", fontsize=9)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=DEFAULT_CONFIG, help="default: configs/mvf_r50_16x4_ucf101.yaml of this folder")
    p.add_argument("--video", required=True, help="rawframes folder (img_00001.jpg ...) or video file")
    p.add_argument("--pretrained", default=from_root("output/best_model/model.pdparams"),
                   help="a .pdparams (default: output/best_model/model.pdparams of this folder)")
    p.add_argument("--class_index", default=None,
                   help="UCF-101 classInd.txt (default: <config dataset_root>/annotations/classInd.txt if present, "
                        "else class ids are printed)")
    p.add_argument("--save_vis", default=None, help="write a picture of the frames and the top-5 here")
    p.add_argument("--device", choices=("cpu", "gpu"), default=None)
    args = p.parse_args(argv)
    cfg = load_config(args.config)
    set_device(args.device or default_device())
    default_index = os.path.join(cfg["data"].get("dataset_root") or "", "annotations", "classInd.txt")
    index = args.class_index or (default_index if os.path.isfile(default_index) else None)
    names = read_class_names(index) if index else None
    results = load_input(args.video, build_pipeline(cfg["data"], "test"))
    model = build_model(cfg["model"])
    load_weights(model, args.pretrained, cfg["model"].get("mvf_freq", (0, 0, 1, 1)), log=lambda *_: None)
    model.eval()
    with paddle.no_grad():
        probs = average_views(model(paddle.to_tensor(results["imgs"][None]))).numpy()[0]
    names = names or [str(i) for i in range(len(probs))]
    top1 = int(probs.argmax())
    print(f"Top1 class:{names[top1]} prob:{probs[top1]:.6f}")
    if args.save_vis:
        save_vis(args.save_vis, results["imgs"], cfg["model"]["num_segments"], probs, names)
        print(f"visualisation saved to {args.save_vis}")


if __name__ == "__main__":
    run_main(main)
