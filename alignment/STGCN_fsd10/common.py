"""The one helper module of the STGCN_fsd10 alignment: paths, sizes, model builders for both sides, the fake
batch, and check(). Every script imports it first.

All outputs go under OUT = $ALIGN_OUT (default: this folder): inputs and weights in OUT/data/, each step's
*_paddle.npy / *_torch.npy and its diff log in OUT/<step dir>/. Paddle side: ../../STGCN_fsd10 (the code
train/test use); torch side: torch_ref/ (our own PyTorch implementation of the official code).
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.normpath(os.path.join(HERE, "..", "..", "STGCN_fsd10"))
OUT = os.environ.get("ALIGN_OUT", HERE)
DATA = os.path.join(OUT, "data")
# the Paddle side is imported as in the folder (datasets, models, utils); torch_ref/ as a package of HERE
sys.path.insert(0, FOLDER)
if HERE not in sys.path:
    sys.path.insert(0, HERE)

# steps 1-5: a fake batch already through the pipeline ([N, C=2, T, V=25, M=1]), FSD's 30 classes
NUM_CLASSES = 30
SHAPE = (2, 2, 16, 25, 1)  # small, so the six steps run in seconds (T 16 -> 4 after the two strides)
LR, MOMENTUM, WEIGHT_DECAY, STEPS = 0.05, 0.9, 1e-4, 5  # PaddleVideo stgcn_fsd.yaml OPTIMIZER (lr at epoch 0)
TORCH_WEIGHTS = os.path.join(DATA, "fake_torch_weights.pth")
PADDLE_WEIGHTS = os.path.join(DATA, "fake_paddle_weights.pdparams")
FAKE_DATA = os.path.join(DATA, "fake_data.npy")
FAKE_LABEL = os.path.join(DATA, "fake_label.npy")
FAKE_SCORES = os.path.join(DATA, "fake_scores.npy")
FAKE_SCORE_LABELS = os.path.join(DATA, "fake_score_labels.npy")

# step 0: raw files in the real formats (make_fake_data.py)
RAW_FSD = os.path.join(DATA, "raw_fsd10")  # train_data.npy [3, 3, 1500, 25, 1] float32 + train_label.npy
RAW_FSD_T_VALID = (300, 1180, 1500)  # shorter than both windows / trailing <=0-sum and zero frames / no padding
RAW_NTU = os.path.join(DATA, "raw_ntu")  # xsub/val_data.npy [2, 3, 300, 25, 2] + xsub/val_label.pkl
CONFIGS = os.path.join(FOLDER, "configs")


def step_file(step: str, name: str) -> str:
    """OUT/<step>/<name>, creating the step's output folder."""
    folder = os.path.join(OUT, step)
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, name)


def paddle_model(train: bool = False, dtype: str = "float32"):
    """STGCN_fsd10's model of configs/stgcn_fsd10.yaml (C=2, fsd10 graph, the official block table, dropout 0)
    with the converted fake weights."""
    import paddle

    from models import build_model
    from utils.checkpoint import load_pretrained
    from utils.config import load_config
    paddle.set_device("cpu")
    cfg = load_config(os.path.join(CONFIGS, "stgcn_fsd10.yaml"))  # C=2, 30 classes, fsd10 graph, dropout 0
    model = build_model(cfg["model"])
    load_pretrained(model, PADDLE_WEIGHTS, logger=None)
    if dtype != "float32":
        model.to(dtype=dtype)  # parameters, BN statistics and the buffer A
    model.train() if train else model.eval()
    return model


def torch_model(train: bool = False, dtype: str = "float32"):
    """torch_ref's Model with yysijie's arguments for the FSD graph (dropout 0, as stgcn_fsd.yaml)."""
    import torch

    from torch_ref.st_gcn import Model
    model = Model(in_channels=2, num_class=NUM_CLASSES, graph_args={"layout": "fsd10", "strategy": "spatial"},
                  edge_importance_weighting=True, dropout=0.0)
    model.load_state_dict(torch.load(TORCH_WEIGHTS), strict=True)
    model.to(getattr(torch, dtype))
    model.train() if train else model.eval()
    return model


def fake_batch():
    """(x [N, 2, T, 25, 1] float32, y [N] int64) as numpy."""
    import numpy as np
    return np.load(FAKE_DATA), np.load(FAKE_LABEL)


def reprod_log():
    """The reprod_log package. It imports paddle at the top only for helpers these scripts never call
    (np2paddle, compare_forward); a process that has not imported paddle itself (the torch, metric and
    check scripts) gets it with a stand-in for that import, so that 13 of the 19 processes of a run do not
    pay Paddle's ~2.5 s start-up (the runner must stay within its time budget). Later `import paddle`
    statements still get the real package."""
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


def logger():
    """A fresh reprod_log.ReprodLogger."""
    return reprod_log().ReprodLogger()


def check(step: str, name: str, log: str, threshold: float = 1e-6) -> None:
    """Compare OUT/<step>/<name>_torch.npy with <name>_paddle.npy, write OUT/<step>/<log> (mean diff).

    Call once per process: reprod_log adds a log handler on every report()."""
    helper = reprod_log().ReprodDiffHelper()
    ref = helper.load_info(step_file(step, f"{name}_torch.npy"))
    out = helper.load_info(step_file(step, f"{name}_paddle.npy"))
    assert ref.keys() == out.keys(), (sorted(ref), sorted(out))
    helper.compare_info(ref, out)
    path = step_file(step, log)
    if os.path.exists(path):  # reprod_log appends: start each run's log afresh
        os.remove(path)
    helper.report(diff_method="mean", diff_threshold=threshold, path=path)
