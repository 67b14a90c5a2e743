"""Paths and model builders shared by the alignment steps (paddle side from ../../STGCN_fsd10, torch side
from torch_ref/). Every step imports this first."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.join(HERE, "..", "..", "STGCN_fsd10")
DATA = os.path.join(HERE, "data")
sys.path.insert(0, FOLDER)
sys.path.insert(0, os.path.join(HERE, "torch_ref"))

NUM_CLASSES = 30
SHAPE = (4, 2, 32, 25, 1)  # N, C, T, V, M: small so the five steps run in seconds
TORCH_WEIGHTS = os.path.join(DATA, "fake_torch_weights.pth")
PADDLE_WEIGHTS = os.path.join(DATA, "fake_paddle_weights.pdparams")
FAKE_DATA = os.path.join(DATA, "fake_data.npy")
FAKE_LABEL = os.path.join(DATA, "fake_label.npy")
FAKE_SCORES = os.path.join(DATA, "fake_scores.npy")
FAKE_SCORE_LABELS = os.path.join(DATA, "fake_score_labels.npy")
LR, MOMENTUM, WEIGHT_DECAY, STEPS = 0.05, 0.9, 1e-4, 5  # the FSD recipe's optimiser


def step_path(step: str, name: str) -> str:
    return os.path.join(HERE, step, name)


def paddle_model():
    import paddle
    from models import build_model
    from utils.checkpoint import load_pretrained
    paddle.set_device("cpu")
    model = build_model({"in_channels": 2, "num_classes": NUM_CLASSES})
    load_pretrained(model, PADDLE_WEIGHTS)
    model.eval()
    return model


def torch_model():
    import torch
    from st_gcn import Model
    model = Model(in_channels=2, num_class=NUM_CLASSES)
    model.load_state_dict(torch.load(TORCH_WEIGHTS), strict=True)
    model.eval()
    return model
