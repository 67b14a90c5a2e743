"""Paths and the seeded fake batch shared by the alignment steps (each step runs in its own processes)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = os.path.abspath(os.path.join(HERE, "..", "..", "PaddlePoseC3D"))
DATA = os.path.join(HERE, "data")
TORCH_CKPT = os.path.join(DATA, "torch_init.pth")
PADDLE_CKPT = os.path.join(DATA, "paddle_init.pdparams")
NUM_CLASSES = 101
# a small clip keeps the CPU run short; the network is the full SlowOnly-R50
INPUT_SHAPE = (4, 17, 8, 32, 32)
LR, MOMENTUM, WEIGHT_DECAY, CLIP = 0.01, 0.9, 3e-4, 40.0
if HERE not in sys.path:
    sys.path.insert(0, HERE)


def use_model_dir():
    """Make the Paddle folder importable (models, utils, tools)."""
    if MODEL_DIR not in sys.path:
        sys.path.insert(0, MODEL_DIR)


def load_paddle_model():
    """The Paddle model with the converted initial weights, in eval mode (paddle is imported here, not at the
    top, because the torch-side scripts import this file too)."""
    use_model_dir()
    import paddle
    from models import build_model
    paddle.set_device("cpu")
    model = build_model({"num_classes": NUM_CLASSES})
    model.set_state_dict(paddle.load(PADDLE_CKPT))
    model.eval()
    return model


def load_torch_model():
    """The torch reference with the same weights (strict load of the mmaction2-style checkpoint), in eval mode."""
    import torch
    from torch_ref import build_torch_model
    torch.set_num_threads(1)
    model = build_torch_model(NUM_CLASSES)
    model.load_state_dict(torch.load(TORCH_CKPT, map_location="cpu")["state_dict"], strict=True)
    model.eval()
    return model


def fake_batch():
    import numpy as np
    x = np.load(os.path.join(DATA, "fake_data.npy"))
    y = np.load(os.path.join(DATA, "fake_label.npy"))
    return x, y


def check(ref: str, paddle_file: str, log: str, threshold: float = 1e-6) -> None:
    from reprod_log import ReprodDiffHelper
    helper = ReprodDiffHelper()
    helper.compare_info(helper.load_info(ref), helper.load_info(paddle_file))
    helper.report(path=log, diff_threshold=threshold)
