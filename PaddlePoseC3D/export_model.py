"""Export PoseC3D for Paddle Inference (softmax inside; input [views, 17, T, H, W], views dynamic).
python export_model.py --model_path output/best_model/model.pdparams --save_dir ./output/ [--onnx True]
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import argparse  # noqa: E402

import numpy as np  # noqa: E402
import paddle  # noqa: E402

from models import build_model  # noqa: E402
from utils import in_root, load_config, run_main, str2bool  # noqa: E402
from utils.checkpoint import load_pretrained  # noqa: E402


class SoftmaxWrapper(paddle.nn.Layer):
    """Per-view class probabilities; infer.py averages them over a video's views."""

    def __init__(self, net: paddle.nn.Layer) -> None:
        super().__init__()
        self.net = net

    def forward(self, x):
        return paddle.nn.functional.softmax(self.net(x), axis=-1)


def export(cfg: dict, model_path: str, save_dir: str, onnx: bool = False) -> str:
    model = build_model(cfg["model"])
    load_pretrained(model, model_path, flag="--model_path")
    model.eval()
    net = SoftmaxWrapper(model)
    net.eval()
    d = cfg["data"]
    # views and time stay dynamic (batch of views; any clip_len); the spatial size is the test crop
    spec = [paddle.static.InputSpec([None, cfg["model"].get("in_channels", 17), None, d["test_size"], d["test_size"]],
                                    "float32", "x")]
    os.makedirs(save_dir, exist_ok=True)
    prefix = os.path.join(save_dir, "model")
    paddle.jit.save(paddle.jit.to_static(net, input_spec=spec, full_graph=True), prefix)
    print(f"Model is saved in {save_dir}.")
    if onnx:
        import paddle2onnx
        model_file = prefix + (".json" if os.path.exists(prefix + ".json") else ".pdmodel")
        paddle2onnx.export(model_file, prefix + ".pdiparams", prefix + ".onnx", opset_version=13)
        check_onnx(net, prefix + ".onnx", d)
    return prefix


def check_onnx(net, onnx_path: str, d: dict) -> float:
    import onnxruntime as ort
    # sparse values in [0, 1] like heatmaps (dense noise saturates the softmax and hides differences)
    x = (np.random.RandomState(0).rand(2, 17, d["clip_len"], d["test_size"], d["test_size"]) ** 20).astype("float32")
    sess = ort.InferenceSession(onnx_path, providers=["CPUExecutionProvider"])
    ort_out = sess.run(None, {sess.get_inputs()[0].name: x})[0]
    diff = float(np.abs(ort_out - net(paddle.to_tensor(x)).numpy()).max())
    if diff >= 1e-4:
        raise RuntimeError(f"ONNX output differs from Paddle by {diff}")
    print(f"ONNX model is saved in {onnx_path} (max abs diff to Paddle {diff:.2e}).")
    return diff


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=in_root("configs", "posec3d_r50_ucf101_split1.yaml"))
    p.add_argument("--model_path", required=True, help="trained .pdparams")
    p.add_argument("--save_dir", default=in_root("output"))
    p.add_argument("--onnx", type=str2bool, default=False, help="also write <save_dir>/model.onnx")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    paddle.set_device("cpu")
    export(load_config(args.config), args.model_path, args.save_dir, args.onnx)


if __name__ == "__main__":
    run_main(main)
