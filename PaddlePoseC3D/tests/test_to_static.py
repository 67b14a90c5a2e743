"""The BatchNorm3d unbiased running-variance update (models/resnet3d_slowonly.py) under paddle.jit.to_static:
one training step through the static graph gives the dygraph running statistics to float32 rounding, and 20 steps
give the same loss curve (to 1e-5) and running statistics within the drift 20 optimizer steps of float32 rounding
differences leave (seen up to 8e-5 relative when the full suite runs on a loaded machine); and the progress bars'
switch (utils.show_progress)."""
import numpy as np
import paddle
import pytest
from conftest import LITE

from models import build_model
from models.resnet3d_slowonly import BatchNorm3d
from utils import show_progress
from utils.config import load_config
from utils.engine import build_optimizer


def _train(cfg, to_static: bool, steps: int = 20):
    paddle.set_device("cpu")
    paddle.seed(0)
    net = build_model(dict(cfg["model"], stage_blocks=[1, 1, 1], base_channels=4))
    net.train()
    _, opt = build_optimizer(net, cfg["train"], 0.01, 100)
    fwd = paddle.jit.to_static(net, full_graph=True) if to_static else net
    rng = np.random.RandomState(0)
    x = paddle.to_tensor((rng.rand(4, 17, 4, 16, 16) ** 20).astype("float32"))
    y = paddle.to_tensor(rng.randint(0, cfg["model"]["num_classes"], 4).astype("int64"))
    losses = []
    for _ in range(steps):
        loss = paddle.nn.functional.cross_entropy(fwd(x), y)
        loss.backward()
        opt.step()
        opt.clear_grad()
        losses.append(float(loss))
    stats = [np.concatenate([m._mean.numpy(), m._variance.numpy()]) for m in net.sublayers()
             if isinstance(m, BatchNorm3d)]
    return np.array(losses), np.concatenate(stats)


def test_to_static_one_step_running_stats_equal_dygraph():
    cfg = load_config(LITE)
    _, stats_d = _train(cfg, False, steps=1)
    _, stats_s = _train(cfg, True, steps=1)
    np.testing.assert_allclose(stats_s, stats_d, rtol=1e-5, atol=1e-6)


def test_to_static_training_equals_dygraph():
    cfg = load_config(LITE)
    loss_d, stats_d = _train(cfg, False)
    loss_s, stats_s = _train(cfg, True)
    assert np.abs(loss_d - loss_s).max() < 1e-5
    assert loss_d[-1] < loss_d[0]
    np.testing.assert_allclose(stats_s, stats_d, rtol=5e-4, atol=1e-5)


@pytest.mark.parametrize("env,expected", [("1", True), ("0", False)])
def test_show_progress_env(monkeypatch, env, expected):
    monkeypatch.setenv("POSEC3D_PROGRESS", env)
    assert show_progress() is expected


def test_show_progress_off_without_terminal(monkeypatch):
    monkeypatch.delenv("POSEC3D_PROGRESS", raising=False)
    monkeypatch.setattr("sys.stderr", open("/dev/null", "w"))
    assert show_progress() is False
