"""The one helper module of the PaddleMVF alignment: paths, inputs, both models, saving and checking.

Every output goes under OUT = $ALIGN_OUT (default: this folder): inputs, weights and the generated
rawframes in OUT/data/, each step's *_paddle.npy / *_torch.npy and diff log in OUT/<step dir>/.
Paddle-side scripts import PaddleMVF's own modules (MODEL_DIR on sys.path); torch-side scripts
import only torch_ref/ (never PaddleMVF), so the two sides share nothing but the files in OUT/data.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.abspath(os.environ.get("ALIGN_OUT", HERE))
DATA = os.path.join(OUT, "data")
MODEL_DIR = os.path.abspath(os.path.join(HERE, "..", "..", "PaddleMVF"))
TORCH_WEIGHTS = os.path.join(DATA, "mvfnet_random.pth")
PADDLE_WEIGHTS = os.path.join(DATA, "mvfnet_random.pdparams")

# step 1: 2 videos x 2 views x 4 segments x 64 px; steps 3-5: 2 videos x 4 segments x TRAIN_SIDE px; 101 classes
NUM_CLASSES, SEGMENTS, VIEWS, SIDE, TRAIN_SIDE = 101, 4, 2, 64, 48
LR, MOMENTUM, WEIGHT_DECAY, STEPS = 1e-3, 0.9, 5e-4, 5
STEP5_LR = 1e-4  # train mode, float64: see step5_train_mode/paddle_train_mode.py
# step 5 also compares these after the 5 train-mode steps (torch names; Paddle: running_mean/var ->
# _mean/_variance, new_fc.weight transposed). The running variances check PaddleMVF/models/bn.py, which
# gives Paddle torch's unbiased running-variance update (README, step 5).
STEP5_TENSORS = {
    "bn1_running_mean": "backbone.bn1.running_mean",
    "bn1_running_var": "backbone.bn1.running_var",
    "mvf_bn_running_mean": "backbone.layer4.2.conv1.bn.running_mean",
    "mvf_bn_running_var": "backbone.layer4.2.conv1.bn.running_var",
    "layer4_bn3_running_mean": "backbone.layer4.2.bn3.running_mean",
    "layer4_bn3_running_var": "backbone.layer4.2.bn3.running_var",
    "mvf_shift_conv_weight": "backbone.layer3.0.conv1.shift_conv.weight",
    "new_fc_weight": "cls_head.new_fc.weight",
    "new_fc_bias": "cls_head.new_fc.bias",
}
# ... and the train-mode gradients of these parameters at step 0 (keys grad0_<short name>)
STEP5_GRADS = {
    "grad0_conv1": "backbone.conv1.weight",
    "grad0_bn1_weight": "backbone.bn1.weight",
    "grad0_mvf_shift_conv": "backbone.layer3.0.conv1.shift_conv.weight",
    "grad0_mvf_bn_weight": "backbone.layer4.2.conv1.bn.weight",
    "grad0_layer4_conv2": "backbone.layer4.2.conv2.weight",
    "grad0_new_fc_weight": "cls_head.new_fc.weight",
}

# step 0: generated UCF-101-style rawframes (img_{:05}.jpg, 1-based) and a list file, read with the
# real 16x4 sampling; frames are 64x48 and the sides are scaled down (short side 32, crop 28) so the
# 30-view test clip stays small.
RAWFRAMES = os.path.join(DATA, "rawframes")
LIST_FILE = os.path.join(DATA, "ucf101_val_split_1_rawframes.txt")
VIDEOS = [("Fake/v_Fake_g01_c01", 100, 3), ("Fake/v_Fake_g01_c02", 20, 7)]  # (dir, total_frames, label)
FRAME_H, FRAME_W = 48, 64
DATA_CFG = dict(clip_len=16, frame_interval=4, short_side=32, crop_size=28, test_clips=10, test_crop="three")
SAMPLING_TOTALS = (20, 63, 64, 65, 66, 100, 300)  # around ori_clip_len = 64, shorter and longer
STEP0_PARAMS = os.path.join(DATA, "step0_params.json")


def step_dir(step: str) -> str:
    d = os.path.join(OUT, step)
    os.makedirs(d, exist_ok=True)
    return d


def fake(name: str) -> np.ndarray:
    return np.load(os.path.join(DATA, f"{name}.npy"))


def step0_params() -> dict:
    with open(STEP0_PARAMS) as f:
        return json.load(f)


def paddle_model(fcn_testing: bool, dropout: float = 0.5):
    """The PaddleMVF model with the converted torch weights, in eval mode."""
    sys.path.insert(0, MODEL_DIR)
    from models import build_model
    from utils.checkpoint import load_weights
    model = build_model(dict(num_classes=NUM_CLASSES, num_segments=SEGMENTS, fcn_testing=fcn_testing,
                             dropout=dropout))
    load_weights(model, PADDLE_WEIGHTS, log=lambda *_: None)
    model.eval()
    return model


def torch_model(dropout: float = 0.5):
    """torch_ref's MVFNet, strict-loading the state dict saved under MVFNet's names, in eval mode."""
    import torch
    sys.path.insert(0, HERE)
    from torch_ref import build_mvfnet
    model = build_mvfnet(NUM_CLASSES, SEGMENTS, dropout)
    model.load_state_dict(torch.load(TORCH_WEIGHTS), strict=True)
    model.eval()
    return model


def save(step: str, name: str, side: str, values: dict) -> None:
    """values -> OUT/<step>/<name>_<side>.npy, in reprod_log's format (ReprodLogger.save is
    np.save of the {key: ndarray} dict); written directly so the torch side does not import
    reprod_log, whose __init__ imports paddle."""
    np.save(os.path.join(step_dir(step), f"{name}_{side}.npy"), {k: np.asarray(v) for k, v in values.items()})


def check(step: str, name: str, log: str, threshold: float = 1e-6) -> None:
    """Compare OUT/<step>/<name>_paddle.npy with <name>_torch.npy; the log's last line says whether
    every key's mean abs diff is within ``threshold``. Raises on a missing key or a shape mismatch."""
    from reprod_log import ReprodDiffHelper
    d = step_dir(step)
    helper = ReprodDiffHelper()
    a = helper.load_info(os.path.join(d, f"{name}_paddle.npy"))
    b = helper.load_info(os.path.join(d, f"{name}_torch.npy"))
    if set(a) != set(b):
        raise SystemExit(f"{step}: keys differ, paddle only {sorted(set(a) - set(b))}, "
                         f"torch only {sorted(set(b) - set(a))}")
    bad = [k for k in a if np.shape(a[k]) != np.shape(b[k])]
    if bad:
        raise SystemExit(f"{step}: shapes differ for {bad}: {[(np.shape(a[k]), np.shape(b[k])) for k in bad]}")
    helper.compare_info(a, b)
    helper.report(path=os.path.join(d, log), diff_method="mean", diff_threshold=threshold)
