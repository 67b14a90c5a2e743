"""Predict the action of one video (a rawframes folder or a video file) with a checkpoint, in dygraph (the
config's test protocol, 30 views for the paper config).

    python predict.py --pretrained output/best_model/model.pdparams \
        --video data/ucf101/rawframes/ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01 --save_vis output/pred.png

The config is the config.yaml beside --pretrained (train.py writes it) unless --config overrides it; the class
names come from its data.class_names. Prints the prediction in infer.py's form (id, name, score, top-5).
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay

import argparse
import os

import numpy as np
import paddle

from datasets.transforms import IMAGENET_MEAN, IMAGENET_STD
from datasets.video import read_inputs
from models import average_views, build_model
from utils import from_root, run_main, set_device
from utils.checkpoint import load_weights
from utils.config import class_names, load_config, resolve_config
from utils.predictions import prediction, print_prediction, save_results


def save_vis(path: str, imgs: np.ndarray, num_segments: int, probs: np.ndarray, names: list) -> None:
    """Frames of the first view with the top-5 classes as a bar chart, the predicted class name and score as the
    caption."""
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
    best = int(np.argmax(probs))
    fig.suptitle(f"{names[best]}  {probs[best]:.2f}", fontsize=11)
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None) -> dict:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=None, help="default: config.yaml beside --pretrained")
    p.add_argument("--video", required=True, help="rawframes folder (img_00001.jpg ...), video file or a "
                                                  "preprocessed .npy")
    p.add_argument("--pretrained", default=from_root("output/best_model/model.pdparams"),
                   help="a .pdparams (default: output/best_model/model.pdparams of this folder)")
    p.add_argument("--save_vis", default=None, help="write a picture of the frames and the top-5 here")
    p.add_argument("--save_results", default=None, help="write the prediction to this json")
    p.add_argument("--device", choices=("cpu", "gpu"), default=None)
    args = p.parse_args(argv)
    cfg = load_config(resolve_config(args.config, args.pretrained, "--pretrained"))
    names = class_names(cfg)
    set_device(args.device)
    name, imgs = read_inputs(args.video, cfg)[0]
    model = build_model(cfg["model"])
    load_weights(model, args.pretrained, log=lambda *_: None)
    model.eval()
    with paddle.no_grad():
        probs = average_views(model(paddle.to_tensor(imgs[None]))).numpy()[0]
    entry = prediction(name, probs, names, args.pretrained)
    print_prediction(entry)
    if args.save_results:
        save_results(args.save_results, [entry], model="MVF", backend="dygraph", precision="fp32",
                     input_file=args.video)
    if args.save_vis:
        save_vis(args.save_vis, imgs, cfg["model"]["num_segments"], probs, names)
        print(f"visualisation saved to {args.save_vis}")
    return entry


if __name__ == "__main__":
    run_main(main)
