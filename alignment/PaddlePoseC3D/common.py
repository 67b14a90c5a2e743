"""The one helper module of this alignment: paths, settings, model builders for both sides, the fake-batch and
raw-sample loaders, log writing and check(). Every step runs each side in its own process (run_alignment.sh).

All outputs go under OUT = $ALIGN_OUT (default: this folder): inputs and weights in OUT/data/, each step's
<name>_paddle.npy / <name>_torch.npy and its diff log in OUT/<step dir>/.
"""
import importlib.util
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.environ.get("ALIGN_OUT", HERE)
DATA = os.path.join(OUT, "data")
MODEL_DIR = os.path.abspath(os.path.join(HERE, "..", "..", "PaddlePoseC3D"))
TORCH_CKPT = os.path.join(DATA, "torch_init.pth")  # random weights, mmaction2 names ({'state_dict', 'meta'})
PADDLE_CKPT = os.path.join(DATA, "paddle_init.pdparams")  # the same, through tools/convert_weights.py
RAW_PKL = os.path.join(DATA, "raw_pose.pkl")  # seeded videos in the real pkl format (step 0)
NUM_CLASSES = 101
EVAL_SHAPE = (4, 17, 8, 32, 32)  # steps 1-3: the full SlowOnly-R50 on a short clip keeps the CPU run small
TRAIN_SHAPE = (2, 17, 4, 16, 16)  # steps 4-5: 5 forward/backward passes per side, in float64 (see README)
LR, MOMENTUM, WEIGHT_DECAY, CLIP = 1.25e-3, 0.9, 3e-4, 40.0  # the UCF-101 config: 0.01 x 16 / 128, one card
# step 0: the official pipelines with a short clip; train clips are drawn with each seed on both sides
CLIP_LEN, TEST_CLIPS = 8, 2
TRAIN_SEEDS = (0, 1, 2)
UCF_CONFIG = os.path.join(MODEL_DIR, "configs", "posec3d_r50_ucf101_split1.yaml")  # the recipe steps 1-5 follow
# run_alignment.sh puts this folder on PYTHONPATH (`import common`, torch_ref); the model folder's packages
# (models, datasets, utils, tools) become importable here, the one place of this alignment that touches sys.path
if MODEL_DIR not in sys.path:
    sys.path.append(MODEL_DIR)


def paddle_config(**model) -> dict:
    """The UCF-101 config of the model folder (utils.config.load_config, validated), model keys overridden."""
    from utils.config import load_config
    return load_config(UCF_CONFIG, {f"model.{k}": v for k, v in model.items()})


def step_file(step: str, name: str) -> str:
    """OUT/<step>/<name>, the directory created."""
    os.makedirs(os.path.join(OUT, step), exist_ok=True)
    return os.path.join(OUT, step, name)


def _reprod_log_module(name: str):
    """reprod_log/<name>.py loaded on its own: the package __init__ imports paddle (via compare.py / utils.py),
    which would cost every torch-side process the paddle import. ReprodLogger.py itself needs only numpy."""
    root = importlib.util.find_spec("reprod_log").submodule_search_locations[0]
    spec = importlib.util.spec_from_file_location(f"reprod_log_{name}", os.path.join(root, f"{name}.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def save_log(step: str, name: str, side: str, items: dict) -> None:
    """reprod_log.ReprodLogger: add every (key, np.ndarray), save to OUT/<step>/<name>_<side>.npy."""
    logger = _reprod_log_module("ReprodLogger").ReprodLogger()
    for key, value in items.items():
        logger.add(key, value)
    logger.save(step_file(step, f"{name}_{side}.npy"))


def load_log(step: str, name: str, side: str) -> dict:
    import numpy as np
    return np.load(step_file(step, f"{name}_{side}.npy"), allow_pickle=True).item()


def check(step: str, name: str, log: str, threshold: float = 1e-6, diff_method: str = "mean") -> None:
    """reprod_log.ReprodDiffHelper on OUT/<step>/<name>_{torch,paddle}.npy; writes OUT/<step>/<log>, whose last
    line says `diff check passed` or `diff check failed`."""
    from reprod_log import ReprodDiffHelper
    helper = ReprodDiffHelper()
    helper.compare_info(helper.load_info(step_file(step, f"{name}_torch.npy")),
                        helper.load_info(step_file(step, f"{name}_paddle.npy")))
    helper.report(diff_method=diff_method, diff_threshold=threshold, path=step_file(step, log))


def fake_batch(shape=EVAL_SHAPE):
    """Heatmap-like input ([0, 1], mostly near 0) and labels, seeded; the first `shape[0]` of the saved batch."""
    import numpy as np
    x = np.load(os.path.join(DATA, "fake_data.npy"))
    y = np.load(os.path.join(DATA, "fake_label.npy"))
    n, c, t, h, w = shape
    return np.ascontiguousarray(x[:n, :c, :t, :h, :w]), y[:n]


def load_paddle_model(train: bool = False, float64: bool = False):
    """The Paddle model (models.build_model, as train.py builds it) with the converted weights; eval mode, or
    train mode with dropout 0 (batch-statistics BN); float64 for the training steps."""
    import paddle

    from models import build_model
    paddle.set_device("cpu")
    # the config's dropout 0.5; 0 for the train-mode steps (dropout is random on both sides)
    model = build_model(paddle_config(num_classes=NUM_CLASSES, dropout=0.0 if train else 0.5)["model"])
    model.set_state_dict(paddle.load(PADDLE_CKPT))
    if float64:
        model.to(dtype="float64")
    model.train() if train else model.eval()
    return model


def load_torch_model(train: bool = False, float64: bool = False):
    """torch_ref with the same weights (strict load of the mmaction2-style checkpoint); eval mode, or train mode
    with dropout 0; float64 for the training steps."""
    import torch

    from torch_ref import build_torch_model
    torch.set_num_threads(1)
    model = build_torch_model(NUM_CLASSES, dropout_ratio=0.0 if train else 0.5)
    model.load_state_dict(torch.load(TORCH_CKPT, map_location="cpu")["state_dict"], strict=True)
    if float64:
        model.double()
    model.train() if train else model.eval()
    return model


def paddle_train_steps(model, x, y, steps: int = 5):
    """`steps` iterations exactly as train.py runs them: utils.engine.build_optimizer with the UCF-101 config's
    train section (Momentum + L2Decay + global-norm clip, per-iteration scheduler), cross-entropy with the config's
    label smoothing 0, backward, step, clear_grad, scheduler.step. Returns the losses."""
    import paddle
    import paddle.nn.functional as F

    from utils.engine import build_optimizer
    tcfg = paddle_config()["train"]
    assert (tcfg["momentum"], tcfg["weight_decay"], tcfg["clip_norm"], tcfg["clip_mode"], tcfg["label_smoothing"]) \
        == (MOMENTUM, WEIGHT_DECAY, CLIP, "global", 0.0), "the config's recipe changed: update common.py"
    scheduler, optimizer = build_optimizer(model, tcfg, LR, iters_per_epoch=100)
    x, y = paddle.to_tensor(x.astype(model.parameters()[0].numpy().dtype)), paddle.to_tensor(y)
    losses = []
    for _ in range(steps):
        loss = F.cross_entropy(model(x), y, label_smoothing=0.0)
        loss.backward()
        optimizer.step()
        optimizer.clear_grad()
        scheduler.step()
        losses.append(float(loss))
    return losses


def torch_train_steps(model, x, y, steps: int = 5):
    """mmaction2 0.x training iterations: CrossEntropyLoss, SGD(lr, momentum 0.9, weight_decay 3e-4), mmcv
    OptimizerHook grad_clip=dict(max_norm=40, norm_type=2) over the parameters that have a gradient."""
    import torch

    from torch_ref import cross_entropy
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)
    x, y = torch.from_numpy(x).to(next(model.parameters()).dtype), torch.from_numpy(y)
    losses = []
    for _ in range(steps):
        loss = cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad and p.grad is not None],
                                       max_norm=CLIP, norm_type=2)
        opt.step()
        losses.append(float(loss))
    return losses
