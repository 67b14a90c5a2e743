"""Predict FSD-10 classes with a trained checkpoint (dynamic graph).

One sample:  python predict.py --input_file data/fsd10/example_skeleton.npy --save_vis sample.gif
One of many: python predict.py --input_file data/fsd10/test_A_data.npy --index 3
A whole file without --index writes the competition file (sample_index,predict_category):
             python predict.py --input_file data/fsd10/test_A_data.npy --output submission.csv
"""
import argparse
import csv
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import paddle  # noqa: E402
import paddle.nn.functional as F  # noqa: E402

from datasets.fsd10 import load_samples, requirements  # noqa: E402
from datasets.transforms import build_transforms  # noqa: E402
from models import build_model  # noqa: E402
from utils.checkpoint import load_pretrained  # noqa: E402
from utils.common import UserError, default_device, folder_path, load_config, run_main, set_device  # noqa: E402
from utils.vis import save_skeleton_vis  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Predict FSD-10 classes with ST-GCN")
    p.add_argument("--config", default=folder_path("configs", "stgcn_fsd10.yaml"))
    p.add_argument("--pretrained", default=folder_path("output", "best_model", "model.pdparams"))
    p.add_argument("--input_file", required=True, help="one sample [C,T,25,M] or a data file [N,C,T,25,M] (.npy)")
    p.add_argument("--index", type=int, default=None, help="predict only this sample of a data file")
    p.add_argument("--output", default=folder_path("submission.csv"),
                   help="csv written when a whole data file is predicted")
    p.add_argument("--save_vis", default=None, help="render the sample: *.gif animation or *.png frame strip")
    p.add_argument("--batch_size", type=int, default=16)
    p.add_argument("--device", choices=["cpu", "gpu"], default=None)
    return p.parse_args(argv)


def write_submission(path: str, classes: np.ndarray) -> None:
    """Atomic: a kill never leaves a truncated csv."""
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["sample_index", "predict_category"])
        writer.writerows([i, int(c)] for i, c in enumerate(classes))
    os.replace(tmp, path)


def main(argv=None) -> np.ndarray:
    args = parse_args(argv)
    cfg = load_config(args.config)
    set_device(args.device or default_device())
    data = load_samples(args.input_file, **requirements(cfg))
    single = len(data) == 1 or args.index is not None
    if args.index is not None and not 0 <= args.index < len(data):
        raise UserError(f"--index {args.index} out of range, {args.input_file} has {len(data)} samples")
    index = [args.index or 0] if single else list(range(len(data)))
    model = build_model(cfg["model"])
    load_pretrained(model, args.pretrained)
    model.eval()
    transform = build_transforms(cfg)
    probs = []
    with paddle.no_grad():
        for start in range(0, len(index), args.batch_size):
            x = np.stack([transform(np.asarray(data[i])) for i in index[start:start + args.batch_size]])
            probs.append(F.softmax(model(paddle.to_tensor(x)), axis=-1).numpy())
    probs = np.concatenate(probs)
    classes = probs.argmax(axis=1)
    if single:
        print(f"sample {index[0]} of {args.input_file}: class {int(classes[0])}, score {float(probs[0].max()):.4f}")
    else:
        write_submission(args.output, classes)
        print(f"{len(classes)} predictions written to {args.output}")
    if args.save_vis:
        save_skeleton_vis(np.asarray(data[index[0]]), model.backbone.graph.edges, args.save_vis,
                          f"sample {index[0]}: class {int(classes[0])} ({float(probs[0].max()):.2f})")
        print(f"skeleton picture written to {args.save_vis}")
    return probs


if __name__ == "__main__":
    run_main(main)
