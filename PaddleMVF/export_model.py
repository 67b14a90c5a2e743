"""Export to a Paddle inference model (dynamic batch, softmax averaged over views inside the graph).

    python export_model.py --config configs/mvf_r50_16x4_ucf101.yaml \
        --model_path output/best_model/model.pdparams --save_dir output/inference [--onnx True]

Input: float32 (N, views*num_segments, 3, H, W), normalised RGB; output: (N, classes) probabilities.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import paddle  # noqa: E402

from models import SoftmaxRecognizer, build_model  # noqa: E402
from utils import DEFAULT_CONFIG, UserError, from_root, load_config, run_main, str2bool  # noqa: E402
from utils.checkpoint import load_weights  # noqa: E402


def input_shape(cfg: dict, views: int = None) -> list:
    """[None, views*T, 3, S, S]; views/S follow the test protocol (clips x crops, crop side)."""
    d = cfg["data"]
    crops = 3 if d.get("test_crop", "three") == "three" else 1
    side = d.get("short_side", 256) if crops == 3 else d.get("crop_size", 224)
    views = views or d.get("test_clips", 10) * crops
    return [None, views * cfg["model"]["num_segments"], 3, side, side]


def export(cfg: dict, model_path: str, save_dir: str, views: int = None, onnx: bool = False) -> str:
    model = build_model(cfg["model"])
    if model_path:
        load_weights(model, model_path, cfg["model"].get("mvf_freq", (0, 0, 1, 1)), flag="--model_path")
    net = SoftmaxRecognizer(model)
    net.eval()
    shape = input_shape(cfg, views)
    static = paddle.jit.to_static(net, input_spec=[paddle.static.InputSpec(shape, "float32", "imgs")],
                                  full_graph=True)
    prefix = os.path.join(save_dir, "model")
    paddle.jit.save(static, prefix)
    print(f"Model is saved in {save_dir}.")
    if onnx:
        import onnxruntime as ort
        import paddle2onnx
        model_file = prefix + (".json" if os.path.exists(prefix + ".json") else ".pdmodel")
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
    p.add_argument("--config", default=DEFAULT_CONFIG, help="default: configs/mvf_r50_16x4_ucf101.yaml of this folder")
    p.add_argument("--model_path", default=None, help="trained .pdparams (omit for random weights)")
    p.add_argument("--save_dir", default=from_root("output/inference"), help="default: output/inference of this folder")
    p.add_argument("--views", type=int, default=None, help="views per video (default: the test protocol's)")
    p.add_argument("--onnx", type=str2bool, default=False)
    args = p.parse_args(argv)
    if args.model_path and not os.path.isfile(args.model_path):
        raise UserError(f"--model_path {args.model_path} not found, train first or pass a .pdparams")
    paddle.set_device("cpu")
    export(load_config(args.config), args.model_path, args.save_dir, args.views, args.onnx)


if __name__ == "__main__":
    run_main(main)
