"""Export to a Paddle inference model (dynamic batch, softmax averaged over views inside the graph), with the
config it was exported with (config.yaml) beside it; --onnx True also writes model.onnx (paddle2onnx) and
checks it against Paddle on one input.

    python export_model.py --model_path output/best_model/model.pdparams --save_dir output/inference [--onnx True]

The config is the config.yaml beside --model_path (train.py writes it) unless --config overrides it.
Input: float32 (N, views*num_segments, 3, S, S), normalised RGB; output: (N, classes) probabilities.
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay

import argparse
import os
import sys

_ARGS = [a.lower() for a in sys.argv[1:]]
if "--verbose=true" not in _ARGS and ["--verbose", "true"] not in [_ARGS[i:i + 2] for i in range(len(_ARGS))]:
    # before paddle starts: no glog notes (the PIR tracer's "not support input out tensor" warning); errors stay
    os.environ.setdefault("GLOG_minloglevel", "2")

import numpy as np
import paddle

from datasets.video import expected_shape
from models import SoftmaxRecognizer, build_model
from utils import UserError, check_flag, from_root, quiet_stdout, run_main, str2bool
from utils.checkpoint import load_weights
from utils.config import load_config, resolve_config, save_config


def input_shape(cfg: dict, views: int = None) -> list:
    """[None, views*T, 3, S, S]; views/S follow the test protocol (clips x crops, crop side)."""
    frames, c, h, w = expected_shape(cfg)
    if views:
        frames = views * cfg["model"]["num_segments"]
    return [None, frames, c, h, w]


def export(cfg: dict, model_path: str, save_dir: str, views: int = None, onnx: bool = False) -> str:
    """Writes <save_dir>/model.json|.pdmodel + model.pdiparams + config.yaml (+ model.onnx); returns the prefix."""
    model = build_model(cfg["model"])
    if model_path:
        load_weights(model, model_path, log=lambda *_: None, flag="--model_path")
    net = SoftmaxRecognizer(model)
    net.eval()
    shape = input_shape(cfg, views)
    static = paddle.jit.to_static(net, input_spec=[paddle.static.InputSpec(shape, "float32", "imgs")],
                                  full_graph=True)
    prefix = os.path.join(save_dir, "model")
    paddle.jit.save(static, prefix)
    save_config(cfg, save_dir)
    print(f"Model is saved in {save_dir}.")
    if onnx:
        import onnxruntime as ort
        import paddle2onnx
        model_file = prefix + (".json" if os.path.exists(prefix + ".json") else ".pdmodel")
        with quiet_stdout(True):  # paddle2onnx's optimiser prints its progress on the C++ stdout
            paddle2onnx.export(model_file, prefix + ".pdiparams", prefix + ".onnx", opset_version=13)
        x = np.random.RandomState(0).randn(1, *shape[1:]).astype("float32")
        ref = net(paddle.to_tensor(x)).numpy()
        out = ort.InferenceSession(prefix + ".onnx", providers=["CPUExecutionProvider"]).run(None, {"imgs": x})[0]
        diff = float(np.abs(out - ref).max())
        print(f"ONNX model is saved in {prefix}.onnx (max abs diff to Paddle {diff:.2e})")
        if diff > 1e-4:
            raise RuntimeError(f"ONNX output differs from Paddle by {diff:.2e}")
    return prefix


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=None, help="default: config.yaml beside --model_path")
    p.add_argument("--model_path", default=None, help="trained .pdparams (omit, with --config, for random weights)")
    p.add_argument("--save_dir", default=from_root("output/inference"), help="default: output/inference of this "
                                                                             "folder (created)")
    p.add_argument("--views", type=int, default=None, help="views per video (default: the test protocol's)")
    p.add_argument("--onnx", type=str2bool, default=False, help="also write model.onnx (paddle2onnx) and check it")
    p.add_argument("--verbose", type=str2bool, default=False, help="show Paddle's own glog notes")
    args = p.parse_args(argv)
    check_flag(args.views, "--views")
    if args.model_path and not os.path.isfile(args.model_path):
        raise UserError(f"--model_path {args.model_path} not found, train first or pass a .pdparams")
    cfg = load_config(resolve_config(args.config, args.model_path, "--model_path"))
    paddle.set_device("cpu")
    export(cfg, args.model_path, args.save_dir, args.views, args.onnx)


if __name__ == "__main__":
    run_main(main)
