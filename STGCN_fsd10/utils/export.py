"""Exporting a checkpoint: the static graph for Paddle Inference (dynamic batch and window) and, optionally,
its ONNX version checked against Paddle. export_model.py is the script; tools/benchmark.py and
test_tipc/make_fixed.py call export() too.
"""
import os
import shutil

import numpy as np
import paddle

from datasets.transforms import build_transforms
from models import build_model
from utils.checkpoint import load_pretrained
from utils.common import exported_model_files, quiet_stdout
from utils.config import CONFIG_NAME, save_config


def export(cfg: dict, model_path: str, save_dir: str, onnx: bool = False) -> str:
    """Export into <save_dir>/.export.tmp-<pid>, then move each file into save_dir (config.yaml last)."""
    model = build_model(cfg["model"])
    load_pretrained(model, model_path)
    model.softmax = True
    model.eval()
    fold_graph_bn(model.backbone)
    shape = [None, cfg["model"]["in_channels"], None, model.backbone.num_node, cfg["data"]["num_person"]]
    os.makedirs(save_dir, exist_ok=True)
    tmp = os.path.join(save_dir, f".export.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    try:
        # batch and time are dynamic: one exported model serves any window size
        static = paddle.jit.to_static(model, input_spec=[paddle.static.InputSpec(shape, "float32", "data")],
                                      full_graph=True)
        paddle.jit.save(static, os.path.join(tmp, "model"))
        if onnx:
            window = build_transforms(cfg).window_size or 300  # no AutoPadding (NTU): its files have T = 300
            export_onnx(model, tmp, [1, shape[1], window, shape[3], shape[4]])
        save_config(cfg, tmp)
        for name in sorted(os.listdir(tmp), key=lambda n: n == CONFIG_NAME):
            os.replace(os.path.join(tmp, name), os.path.join(save_dir, name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"Model is saved in {save_dir}.")
    return save_dir


class ChannelShift(paddle.nn.Layer):
    """x + shift[c]: what is left of an inference BatchNorm once its scale is folded into the layer before it."""

    def __init__(self, shift: paddle.Tensor) -> None:
        super().__init__()
        self.register_buffer("shift", shift.reshape([-1, 1, 1]))

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return x + self.shift


@paddle.no_grad()
def fold_graph_bn(backbone: paddle.nn.Layer) -> None:
    """For inference: fold each block's first BatchNorm (tcn.0, right after the graph conv) into the graph conv.

    The graph conv is linear and keeps channels apart (out[c] = sum_k x_k[c] @ A_k, x_k = the 1x1 conv's k-th slice),
    so the BN scale s[c] = gamma / sqrt(var + eps) multiplies the 1x1 conv's rows k*C + c for every k, and the shift
    beta - mean * s is one add. Paddle Inference's oneDNN batch_norm_ there cost ~45 of 316 ms (1 thread, idle,
    bench/profile.md); the folded model gives the same output to float32 rounding (tests/test_export.py).
    Eval mode only: the running statistics are constants here."""
    for block in backbone.st_gcn_networks:
        bn, conv, k = block.tcn[0], block.gcn.conv, block.gcn.kernel_size
        if not isinstance(bn, paddle.nn.BatchNorm2D):
            continue  # already folded
        scale = bn.weight / paddle.sqrt(bn._variance + bn._epsilon)
        rows = paddle.tile(scale, [k])
        conv.weight.set_value(conv.weight * rows.reshape([-1, 1, 1, 1]))
        conv.bias.set_value(conv.bias * rows)
        block.tcn._sub_layers["0"] = ChannelShift(bn.bias - bn._mean * scale)


def export_onnx(model: paddle.nn.Layer, save_dir: str, shape: list) -> None:
    """paddle2onnx of the exported model, checked against the dygraph model on one input (< 1e-4)."""
    import onnxruntime
    import paddle2onnx
    model_file, params_file = exported_model_files(save_dir)
    onnx_file = os.path.join(save_dir, "model.onnx")
    with quiet_stdout(True):  # paddle2onnx's and polygraphy's progress lines
        paddle2onnx.export(model_file, params_file, onnx_file, opset_version=13, enable_onnx_checker=True)
    x = np.random.RandomState(0).uniform(-1, 1, shape).astype("float32")
    session = onnxruntime.InferenceSession(onnx_file, providers=["CPUExecutionProvider"])
    ort = session.run(None, {session.get_inputs()[0].name: x})[0]
    ref = model(paddle.to_tensor(x)).numpy()
    diff = float(np.abs(ort - ref).max())
    if diff >= 1e-4:
        raise RuntimeError(f"ONNX Runtime output differs from Paddle by {diff:.2e} (>= 1e-4)")
    print(f"ONNX model checked against Paddle (max abs diff {diff:.2e}).")
