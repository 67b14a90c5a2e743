"""Export a trained ST-GCN for Paddle Inference (dynamic batch and time window), optionally ONNX too.

    python export_model.py --model_path output/best_model/model.pdparams --save_dir ./inference [--onnx True]
writes <save_dir>/model.json (Paddle 3; model.pdmodel on Paddle 2) + model.pdiparams + config.yaml (the
resolved config: infer.py reads its pipeline, class names, C and M) [+ model.onnx]. The config is the one
beside --model_path (config.yaml), or --config. The exported graph ends in softmax: it returns class
probabilities [N, num_classes]. Input spec [None, C, None, V, M]: batch and window dynamic; C =
model.in_channels and M = data.num_person of the config (PaddleVideo tools/export_model.py: [None,
num_channels, window_size, vertex_nums, person_nums]). M must be fixed: the backbone averages over it.
Every file is written into a temporary folder first and moved into place when complete.
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # Paddle's import-time note (issue 17)

import os

os.environ.setdefault("GLOG_minloglevel", "2")  # Paddle's C++ info/warning lines (pir interpreter) off; errors stay

import paddle

from utils.common import ArgumentParser, folder_path, run_main, str2bool
from utils.config import load_config, resolve_config
from utils.export import export


def parse_args(argv=None):
    p = ArgumentParser(prog="export_model.py", description="Export ST-GCN to a Paddle inference model")
    p.add_argument("--config", default=None, help="default: the config.yaml beside --model_path")
    p.add_argument("--model_path", default=folder_path("output", "best_model", "model.pdparams"))
    p.add_argument("--save_dir", default=folder_path("inference"))
    p.add_argument("--onnx", type=str2bool, default=False, help="also write model.onnx and check it against Paddle")
    return p.parse_args(argv)


def main(argv=None) -> str:
    args = parse_args(argv)
    cfg = load_config(resolve_config(args.config, args.model_path, "--model_path"))
    paddle.set_device("cpu")  # export traces the graph; the device does not matter
    return export(cfg, args.model_path, args.save_dir, args.onnx)


if __name__ == "__main__":
    run_main(main)
