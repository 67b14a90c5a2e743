"""Shared by every alignment script: paths, the fake inputs, and both models built the same way.

Small input (2 videos x 4 segments x 64 px, 101 classes) so steps 1-4 run in about a minute on CPU.
"""
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = os.path.abspath(os.path.join(HERE, "..", "..", "PaddleMVF"))
DATA = os.path.join(HERE, "data")
TORCH_WEIGHTS = os.path.join(DATA, "mvfnet_random.pth")
PADDLE_WEIGHTS = os.path.join(DATA, "mvfnet_random.pdparams")
NUM_CLASSES, SEGMENTS, VIEWS, SIDE = 101, 4, 2, 64
LR, MOMENTUM, WEIGHT_DECAY, STEPS = 1e-3, 0.9, 5e-4, 5


def fake(name: str) -> np.ndarray:
    return np.load(os.path.join(DATA, f"{name}.npy"))


def paddle_model(fcn_testing: bool):
    """The PaddleMVF model with the converted torch weights, in eval mode."""
    sys.path.insert(0, MODEL_DIR)
    from models import build_model
    from utils.checkpoint import load_weights
    model = build_model(dict(num_classes=NUM_CLASSES, num_segments=SEGMENTS, fcn_testing=fcn_testing))
    load_weights(model, PADDLE_WEIGHTS, log=lambda *_: None)
    model.eval()
    return model


def torch_model():
    """The torch reference, strict-loading the state dict saved under MVFNet's names, in eval mode."""
    import torch
    sys.path.insert(0, HERE)
    from torch_ref import build_mvfnet
    model = build_mvfnet(NUM_CLASSES, SEGMENTS)
    model.load_state_dict(torch.load(TORCH_WEIGHTS), strict=True)
    model.eval()
    return model


def report(step_dir: str, name: str, log_name: str) -> None:
    from reprod_log import ReprodDiffHelper
    helper = ReprodDiffHelper()
    a = helper.load_info(os.path.join(step_dir, f"{name}_paddle.npy"))
    b = helper.load_info(os.path.join(step_dir, f"{name}_torch.npy"))
    helper.compare_info(a, b)
    helper.report(path=os.path.join(step_dir, log_name), diff_method="mean", diff_threshold=1e-6)


def save(step_dir: str, name: str, side: str, values: dict) -> None:
    from reprod_log import ReprodLogger
    logger = ReprodLogger()
    for k, v in values.items():
        logger.add(k, np.asarray(v))
    logger.save(os.path.join(step_dir, f"{name}_{side}.npy"))
