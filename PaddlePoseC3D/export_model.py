"""Export PoseC3D for Paddle Inference (softmax inside; input [views, C, T, H, W], views and T dynamic) and, with
--onnx True, ONNX. The exported graph folds each BatchNorm into its Conv3D (models/inference_form.py: the same
function; the ONNX check compares with the unfolded model). The config is the config.yaml beside --model_path unless
--config overrides it; the export directory gets its own config.yaml (infer.py reads it).
python export_model.py --model_path output/best_model/model.pdparams --save_dir output/inference [--onnx True]
"""
import os
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay
os.environ.setdefault("GLOG_minloglevel", "3")  # the static-graph conversion's I/W lines

import argparse
import inspect
import shutil

import numpy as np
import paddle

from models import build_model
from models.inference_form import fold_bn
from utils import in_root, run_main, str2bool
from utils.checkpoint import load_pretrained
from utils.config import load_config, resolve_config, save_config


class SoftmaxWrapper(paddle.nn.Layer):
    """Per-view class probabilities; infer.py averages them over a video's views."""

    def __init__(self, net: paddle.nn.Layer) -> None:
        super().__init__()
        self.net = net

    def forward(self, x):
        return paddle.nn.functional.softmax(self.net(x), axis=-1)


def export(cfg: dict, model_path: str, save_dir: str, onnx: bool = False) -> str:
    model = build_model(cfg["model"])
    for note in load_pretrained(model, model_path, flag="--model_path"):
        print(note)
    model.eval()
    reference = SoftmaxWrapper(model)  # the trained network as it is: what the export is checked against
    reference.eval()
    net = SoftmaxWrapper(fold_bn(model))
    net.eval()
    d = cfg["data"]
    # views and time stay dynamic (batch of views; any clip_len); the spatial size is the test crop
    spec = [paddle.static.InputSpec([None, cfg["model"]["in_channels"], None, d["test_size"], d["test_size"]],
                                    "float32", "x")]
    # everything is written into a temporary directory first, then each file renamed into save_dir: a failed or
    # killed export leaves no half-written model (the temporary directory is removed, or cleaned by the next run)
    tmp = os.path.join(save_dir, f".export.tmp-{os.getpid()}")
    os.makedirs(tmp, exist_ok=True)
    try:
        paddle.jit.save(paddle.jit.to_static(net, input_spec=spec, full_graph=True), os.path.join(tmp, "model"))
        save_config(cfg, tmp)
        if onnx:
            import paddle2onnx
            model_file = os.path.join(tmp, "model.json" if os.path.exists(os.path.join(tmp, "model.json"))
                                      else "model.pdmodel")
            # paddle2onnx >= 2 folds constants with polygraphy by default (~5 s here); ONNX Runtime folds them
            # itself when it loads the model, so the export skips it
            fast = {"optimize_tool": "None"} if "optimize_tool" in inspect.signature(paddle2onnx.export).parameters \
                else {}
            paddle2onnx.export(model_file, os.path.join(tmp, "model.pdiparams"), os.path.join(tmp, "model.onnx"),
                               opset_version=13, **fast)
            diff = check_onnx(reference, os.path.join(tmp, "model.onnx"), cfg)
        for name in sorted(os.listdir(tmp)):
            os.replace(os.path.join(tmp, name), os.path.join(save_dir, name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"Model is saved in {save_dir}.")
    if onnx:
        print(f"ONNX model is saved in {os.path.join(save_dir, 'model.onnx')} (max abs diff to Paddle {diff:.2e}).")
    return os.path.join(save_dir, "model")


def check_onnx(net, onnx_path: str, cfg: dict) -> float:
    """Max abs difference of ONNX Runtime from Paddle on 2 heatmap-like views (a RuntimeError from 1e-4)."""
    import onnxruntime as ort
    d = cfg["data"]
    # sparse values in [0, 1] like heatmaps (dense noise saturates the softmax and hides differences)
    x = (np.random.RandomState(0).rand(2, cfg["model"]["in_channels"], d["clip_len"], d["test_size"],
                                       d["test_size"]) ** 20).astype("float32")
    opts = ort.SessionOptions()
    opts.log_severity_level = 3  # not its notes on initializers the unfolded graph leaves unused
    sess = ort.InferenceSession(onnx_path, opts, providers=["CPUExecutionProvider"])
    ort_out = sess.run(None, {sess.get_inputs()[0].name: x})[0]
    diff = float(np.abs(ort_out - net(paddle.to_tensor(x)).numpy()).max())
    if diff >= 1e-4:
        raise RuntimeError(f"ONNX output differs from Paddle by {diff}")
    return diff


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=None, help="default: config.yaml beside --model_path")
    p.add_argument("--model_path", required=True, help="trained .pdparams")
    p.add_argument("--save_dir", default=in_root("output"), help="default: output/ in this folder")
    p.add_argument("--onnx", type=str2bool, default=False, help="also write <save_dir>/model.onnx")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(resolve_config(args.config, args.model_path, "--model_path"))
    paddle.set_device("cpu")
    export(cfg, args.model_path, args.save_dir, args.onnx)


if __name__ == "__main__":
    run_main(main)
