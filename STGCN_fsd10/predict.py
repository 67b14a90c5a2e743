"""Predict FSD-10 classes with a trained checkpoint (dynamic graph).

One sample:  python predict.py --input_file data/fsd10/example_skeleton.npy --save_vis sample.gif
One of many: python predict.py --input_file data/fsd10/test_A_data.npy --index 3
A whole file without --index writes the competition file (sample_index,predict_category):
             python predict.py --input_file data/fsd10/test_A_data.npy --output submission.csv
The config is the one saved beside --pretrained (config.yaml), or --config. Each prediction is printed with
its class name (data.class_names of the config).
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # Paddle's import-time note (issue 17)

import csv
import io

import numpy as np
import paddle
import paddle.nn.functional as F

from datasets.reader import load_samples, requirements
from datasets.transforms import build_transforms
from models import build_model
from utils.atomic_io import write_file_atomic
from utils.checkpoint import load_pretrained
from utils.common import ArgumentParser, UserError, folder_path, positive_int, run_main, set_device
from utils.config import class_names, load_config, resolve_config
from utils.vis import save_skeleton_vis


def parse_args(argv=None):
    p = ArgumentParser(prog="predict.py", description="Predict FSD-10 classes with ST-GCN")
    p.add_argument("--config", default=None, help="default: the config.yaml beside --pretrained")
    p.add_argument("--pretrained", default=folder_path("output", "best_model", "model.pdparams"))
    p.add_argument("--input_file", required=True, help="one sample [C,T,25,M] or a data file [N,C,T,25,M] (.npy)")
    p.add_argument("--index", type=int, default=None, help="predict only this sample of a data file")
    p.add_argument("--output", default=folder_path("submission.csv"),
                   help="csv written when a whole data file is predicted (its folder is created)")
    p.add_argument("--save_vis", default=None, help="render the sample: *.gif animation or *.png frame strip")
    p.add_argument("--frame_size", type=positive_int, nargs=2, default=None, metavar=("W", "H"),
                   help="with --save_vis: the video's width and height, to draw the whole frame in pixels at its "
                        "aspect (default: the data's -1..1 coordinates)")
    p.add_argument("--batch_size", type=positive_int, default=16)
    p.add_argument("--device", choices=["cpu", "gpu"], default=None)
    return p.parse_args(argv)


def submission_bytes(classes: np.ndarray) -> bytes:
    """The competition file: header sample_index,predict_category, one row per sample."""
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["sample_index", "predict_category"])
    writer.writerows([i, int(c)] for i, c in enumerate(classes))
    return text.getvalue().encode("utf-8")


def main(argv=None) -> np.ndarray:
    args = parse_args(argv)
    cfg = load_config(resolve_config(args.config, args.pretrained, "--pretrained"))
    set_device(args.device)
    data = load_samples(args.input_file, **requirements(cfg))
    if args.index is not None and not 0 <= args.index < len(data):
        raise UserError(f"--index {args.index} out of range, {args.input_file} has {len(data)} samples, "
                        f"pass 0..{len(data) - 1}")
    single = len(data) == 1 or args.index is not None
    index = [args.index or 0] if single else list(range(len(data)))
    model = build_model(cfg["model"])
    load_pretrained(model, args.pretrained)
    model.eval()
    transform, names = build_transforms(cfg), class_names(cfg)
    probs = []
    with paddle.no_grad():
        for start in range(0, len(index), args.batch_size):
            x = np.stack([transform(np.asarray(data[i])) for i in index[start:start + args.batch_size]])
            probs.append(F.softmax(model(paddle.to_tensor(x)), axis=-1).numpy())
    probs = np.concatenate(probs)
    classes = probs.argmax(axis=1)
    for i, cls, p in zip(index, classes, probs.max(axis=1)):
        print(f"sample {i} of {args.input_file}: class {int(cls)} ({names[int(cls)]}), score {float(p):.4f}")
    if not single:
        write_file_atomic(args.output, submission_bytes(classes))
        print(f"{len(classes)} predictions written to {args.output}")
    if args.save_vis:
        save_skeleton_vis(np.asarray(data[index[0]]), model.backbone.graph.edges, args.save_vis,
                          f"sample {index[0]}: {names[int(classes[0])]} ({float(probs[0].max()):.2f})",
                          layout=cfg["model"]["layout"], frame_size=args.frame_size)
        print(f"skeleton picture written to {args.save_vis}")
    return probs


if __name__ == "__main__":
    run_main(main)
