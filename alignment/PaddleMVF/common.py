"""The one helper module of the PaddleMVF alignment: paths, inputs, both models, saving and checking.

Every output goes under OUT = $ALIGN_OUT (default: this folder): inputs, weights and the generated
rawframes in OUT/data/, each step's *_paddle.npy / *_torch.npy and diff log in OUT/<step dir>/.
run_alignment.sh puts this folder on PYTHONPATH, so every script starts with `import common`; this
module alone touches sys.path: it makes torch_ref/ (this folder) and PaddleMVF's packages (MODEL_DIR)
importable. Paddle-side scripts import PaddleMVF's own modules; torch-side scripts import only
torch_ref/ (never PaddleMVF), so the two sides share nothing but the files in OUT/data.
"""
import json
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.abspath(os.environ.get("ALIGN_OUT", HERE))
DATA = os.path.join(OUT, "data")
MODEL_DIR = os.path.abspath(os.path.join(HERE, "..", "..", "PaddleMVF"))
# torch_ref/ (this folder) and PaddleMVF's datasets/models/utils/tools (no name is shared)
for _path in (MODEL_DIR, HERE):
    if _path not in sys.path:
        sys.path.insert(0, _path)
TORCH_WEIGHTS = os.path.join(DATA, "mvfnet_random.pth")
PADDLE_WEIGHTS = os.path.join(DATA, "mvfnet_random.pdparams")

# step 1: 2 videos x 2 views x SEGMENTS (4) frames; steps 3-5: 2 videos x TRAIN_SEGMENTS (2) frames; all 40 px
# (layer3 sees 3x3, layer4 2x2: MVF's H and W kernels have real neighbours); 101 classes. Steps 3-5 use 4
# frames in all: Paddle's CPU conv backward loops over the frames, so its time grows with them (README).
NUM_CLASSES, SEGMENTS, VIEWS, SIDE = 101, 4, 2, 40
TRAIN_SEGMENTS, TRAIN_SIDE = 2, 40
LR, MOMENTUM, WEIGHT_DECAY, STEPS = 1e-3, 0.9, 5e-4, 5
STEP5_LR = 1e-5  # train mode, float64: see step5_train_mode/paddle_train_mode.py
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


def paddle_config(model: dict = None, data: dict = None) -> dict:
    """PaddleMVF's paper config (configs/mvf_r50_16x4_ucf101.yaml, 101 classes) with some model/data keys
    replaced: the full config every PaddleMVF function reads (it has no defaults outside its YAML files)."""
    import copy

    from utils.config import DEFAULT_CONFIG, load_config
    cfg = copy.deepcopy(load_config(DEFAULT_CONFIG))
    cfg["model"].update(model or {})
    cfg["data"].update(data or {})
    return cfg


def paddle_model(fcn_testing: bool, dropout: float = 0.5, segments: int = SEGMENTS):
    """The PaddleMVF model (``segments`` frames per clip) with the converted torch weights, in eval mode.
    Built under paddle.LazyGuard (no random init: every tensor comes from the checkpoint, checked below),
    which saves ~0.7 s of start-up per process."""
    import paddle

    from models import build_model
    from utils.checkpoint import load_weights
    with paddle.LazyGuard():
        model = build_model(paddle_config(dict(num_classes=NUM_CLASSES, num_segments=segments,
                                               fcn_testing=fcn_testing, dropout=dropout))["model"])
    notes = []
    load_weights(model, PADDLE_WEIGHTS, log=notes.append)
    if any(note.startswith("warning") for note in notes):
        raise SystemExit(f"{PADDLE_WEIGHTS} does not fill the model: {notes}")
    model.eval()
    return model


def torch_model(dropout: float = 0.5, segments: int = SEGMENTS):
    """torch_ref's MVFNet (``segments`` frames per clip), strict-loading the state dict saved under MVFNet's
    names, in eval mode. Built on the meta device and filled by load_state_dict(assign=True): no random init
    (strict=True guarantees every tensor comes from the checkpoint)."""
    import torch

    from torch_ref import build_mvfnet
    with torch.device("meta"):
        model = build_mvfnet(NUM_CLASSES, segments, dropout)
    model.load_state_dict(torch.load(TORCH_WEIGHTS), strict=True, assign=True)
    model.eval()
    return model


def reprod_log():
    """The reprod_log package (its real ReprodLogger / ReprodDiffHelper). Its utils.py imports paddle at
    the top only for helpers these scripts never call (np2paddle, paddle2np); a process that has not
    imported paddle itself (the torch-side and check scripts) gets it with a stand-in module for that one
    import, so those processes do not pay Paddle's ~2 s start-up (the runner's 45 s budget). A later
    `import paddle` still gets the real package."""
    if "reprod_log" not in sys.modules and "paddle" not in sys.modules:
        import types
        stand_in = types.ModuleType("paddle")
        stand_in.Tensor = object  # reprod_log's annotations name paddle.Tensor and paddle.nn.Layer
        stand_in.nn = types.SimpleNamespace(Layer=object)
        sys.modules["paddle"] = stand_in
        try:
            import reprod_log as module
        finally:
            del sys.modules["paddle"]
    import reprod_log as module
    return module


def save(step: str, name: str, side: str, values: dict) -> None:
    """values -> OUT/<step>/<name>_<side>.npy through reprod_log's ReprodLogger."""
    logger = reprod_log().ReprodLogger()
    for key, value in values.items():
        logger.add(key, np.asarray(value))
    logger.save(os.path.join(step_dir(step), f"{name}_{side}.npy"))


def check(step: str, name: str, log: str, threshold: float = 1e-6) -> None:
    """Compare OUT/<step>/<name>_paddle.npy with <name>_torch.npy; the log's last line says whether
    every key's mean abs diff is within ``threshold``. Raises on a missing key or a shape mismatch.
    Call once per process: reprod_log adds a log handler on every report()."""
    d = step_dir(step)
    helper = reprod_log().ReprodDiffHelper()
    a = helper.load_info(os.path.join(d, f"{name}_paddle.npy"))
    b = helper.load_info(os.path.join(d, f"{name}_torch.npy"))
    if set(a) != set(b):
        raise SystemExit(f"{step}: keys differ, paddle only {sorted(set(a) - set(b))}, "
                         f"torch only {sorted(set(b) - set(a))}")
    bad = [k for k in a if np.shape(a[k]) != np.shape(b[k])]
    if bad:
        raise SystemExit(f"{step}: shapes differ for {bad}: {[(np.shape(a[k]), np.shape(b[k])) for k in bad]}")
    helper.compare_info(a, b)
    path = os.path.join(d, log)
    if os.path.exists(path):  # reprod_log appends: each run's log starts afresh
        os.remove(path)
    helper.report(path=path, diff_method="mean", diff_threshold=threshold)
