"""Export a trained ST-GCN for Paddle Inference (dynamic batch and time window), optionally ONNX too.

    python export_model.py --config configs/stgcn_fsd10.yaml --model_path output/best_model/model.pdparams \
        --save_dir ./inference [--onnx True]
writes <save_dir>/model.json (Paddle 3; model.pdmodel on Paddle 2) + model.pdiparams [+ model.onnx].
The exported graph ends in softmax: it returns class probabilities [N, num_classes].
Input spec [None, C, None, V, M]: batch and window dynamic; C = model.in_channels and M = data.num_person
of the config (PaddleVideo tools/export_model.py: [None, num_channels, window_size, vertex_nums,
person_nums]). M must be fixed: the backbone averages over it, and a wrong M silently returns one row
per person.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import paddle  # noqa: E402
import yaml  # noqa: E402

from datasets.transforms import build_transforms  # noqa: E402
from models import build_model  # noqa: E402
from utils.checkpoint import load_pretrained  # noqa: E402
from utils.common import (exported_model_files, folder_path, load_config, num_person, run_main,  # noqa: E402
                          str2bool)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="Export ST-GCN to a Paddle inference model")
    p.add_argument("--config", default=folder_path("configs", "stgcn_fsd10.yaml"))
    p.add_argument("--model_path", default=folder_path("output", "best_model", "model.pdparams"))
    p.add_argument("--save_dir", default=folder_path("inference"))
    p.add_argument("--onnx", type=str2bool, default=False, help="also write model.onnx and check it against Paddle")
    return p.parse_args(argv)


def export(cfg: dict, model_path: str, save_dir: str, onnx: bool = False) -> str:
    model = build_model(cfg["model"])
    load_pretrained(model, model_path)
    model.softmax = True
    model.eval()
    channels = cfg["model"].get("in_channels", 2)
    persons = num_person(cfg)
    # batch and time are dynamic: one exported model serves any window size
    spec = [paddle.static.InputSpec([None, channels, None, model.backbone.num_node, persons], "float32", "data")]
    static = paddle.jit.to_static(model, input_spec=spec, full_graph=True)
    paddle.jit.save(static, os.path.join(save_dir, "model"))
    write_infer_cfg(cfg, save_dir, [None, channels, None, model.backbone.num_node, persons])
    print(f"Model is saved in {save_dir}.")
    if onnx:
        window = build_transforms(cfg).window_size or 300  # no AutoPadding (NTU): its files have T = 300
        export_onnx(model, save_dir, channels, window, persons)
    return save_dir


def write_infer_cfg(cfg: dict, save_dir: str, input_shape: list) -> None:
    """<save_dir>/infer_cfg.yml: the input shape and pipeline the exported model expects, so infer.py
    preprocesses with the right pipeline and refuses data of another M or C (Paddle Inference would
    run them and silently return one row per person)."""
    info = {"model": {k: cfg["model"][k] for k in ("layout", "in_channels", "num_classes") if k in cfg["model"]},
            "data": {"num_person": input_shape[-1], "transforms": cfg["data"]["transforms"]},
            "input_shape": input_shape}
    with open(os.path.join(save_dir, "infer_cfg.yml"), "w", encoding="utf-8") as f:
        yaml.safe_dump(info, f, sort_keys=False)


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
    build_transforms(cfg)  # a config without a valid data.transforms fails before anything is written
    os.makedirs(args.save_dir, exist_ok=True)
    export(cfg, args.model_path, args.save_dir, args.onnx)


if __name__ == "__main__":
    run_main(main)
