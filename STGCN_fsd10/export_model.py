"""Export a trained ST-GCN for Paddle Inference (dynamic batch and time window), optionally ONNX too.

    python export_model.py --config configs/stgcn_fsd10.yaml --model_path output/best_model/model.pdparams \
        --save_dir ./inference [--onnx True]
writes <save_dir>/model.json (Paddle 3; model.pdmodel on Paddle 2) + model.pdiparams [+ model.onnx].
The exported graph ends in softmax: it returns class probabilities [N, num_classes].
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import paddle  # noqa: E402

from models import build_model  # noqa: E402
from utils.checkpoint import load_pretrained  # noqa: E402
from utils.common import exported_model_files, load_config, run_main, str2bool  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Export ST-GCN to a Paddle inference model")
    p.add_argument("--config", default="configs/stgcn_fsd10.yaml")
    p.add_argument("--model_path", default="./output/best_model/model.pdparams")
    p.add_argument("--save_dir", default="./inference")
    p.add_argument("--onnx", type=str2bool, default=False, help="also write model.onnx and check it against Paddle")
    return p.parse_args(argv)


def export(cfg: dict, model_path: str, save_dir: str, onnx: bool = False) -> str:
    model = build_model(cfg["model"])
    load_pretrained(model, model_path)
    model.softmax = True
    model.eval()
    channels = cfg["model"].get("in_channels", 2)
    persons = cfg["data"].get("num_person", 1)
    # batch and time are dynamic: one exported model serves any window size
    spec = [paddle.static.InputSpec([None, channels, None, model.backbone.num_node, persons], "float32", "data")]
    static = paddle.jit.to_static(model, input_spec=spec, full_graph=True)
    paddle.jit.save(static, os.path.join(save_dir, "model"))
    print(f"Model is saved in {save_dir}.")
    if onnx:
        export_onnx(model, save_dir, channels, cfg["data"].get("window_size", 1000), persons)
    return save_dir


def export_onnx(model: paddle.nn.Layer, save_dir: str, channels: int, window: int, persons: int) -> None:
    import onnxruntime
    import paddle2onnx
    model_file, params_file = exported_model_files(save_dir)
    onnx_file = os.path.join(save_dir, "model.onnx")
    paddle2onnx.export(model_file, params_file, onnx_file, opset_version=13, enable_onnx_checker=True)
    x = np.random.RandomState(0).uniform(-1, 1, (1, channels, window, model.backbone.num_node, persons))
    x = x.astype("float32")
    session = onnxruntime.InferenceSession(onnx_file, providers=["CPUExecutionProvider"])
    ort = session.run(None, {session.get_inputs()[0].name: x})[0]
    ref = model(paddle.to_tensor(x)).numpy()
    diff = float(np.abs(ort - ref).max())
    if diff >= 1e-4:
        raise RuntimeError(f"ONNX Runtime output differs from Paddle by {diff:.2e} (>= 1e-4)")
    print(f"ONNX model is saved in {onnx_file} (max abs diff to Paddle {diff:.2e}).")


def main(argv=None) -> None:
    args = parse_args(argv)
    cfg = load_config(args.config)
    os.makedirs(args.save_dir, exist_ok=True)
    export(cfg, args.model_path, args.save_dir, args.onnx)


if __name__ == "__main__":
    run_main(main)
