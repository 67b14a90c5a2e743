"""The training loop's named steps (issue 12: the same six names in every folder), and what each one does."""
import json
import os

import numpy as np
import paddle
import pytest
from conftest import LITE, model_cfg

from models import build_model
from utils.config import load_config
from utils.engine import build_loaders, build_optimizer, evaluate, resume, save, train_one_epoch


def test_the_six_steps_exist():
    import utils.engine as engine
    for name in ("build_loaders", "build_optimizer", "resume", "train_one_epoch", "evaluate", "save"):
        assert callable(getattr(engine, name)), name


def _lr_after(tcfg, steps, iters_per_epoch=10):
    model = build_model(model_cfg(base_channels=4, num_classes=5))
    scheduler, optimizer = build_optimizer(model, tcfg, 0.1, iters_per_epoch)
    for _ in range(steps):
        scheduler.step()
    return optimizer.get_lr()


def test_step_and_cosine_schedules_per_iteration():
    """mmcv StepLrUpdaterHook (x0.1 at epochs 9, 11) applied per iteration; CosineAnnealing by_epoch=False, min 0."""
    tcfg = load_config(LITE)["train"]
    assert _lr_after(tcfg, 89) == pytest.approx(0.1) and _lr_after(tcfg, 90) == pytest.approx(0.01)
    assert _lr_after(tcfg, 110) == pytest.approx(0.001)
    cosine = dict(tcfg, lr_policy="cosine", milestones=[], max_epochs=4)
    assert _lr_after(cosine, 20) == pytest.approx(0.05) and _lr_after(cosine, 40) == pytest.approx(0.0, abs=1e-12)


def test_loaders_evaluate_and_save(mini_pkl, tiny_cfg, tmp_path):
    """build_loaders validates the pkl and wraps both sets in fail_fast.GuardedDataset; evaluate covers every video
    of the split; save writes latest/ (weights, optimizer, state, config) and best_model/ atomically."""
    from utils.engine import Run
    from utils.fail_fast import GuardedDataset
    cfg = load_config(tiny_cfg)
    train_loader, val_loader = build_loaders(cfg, mini_pkl, num_workers=0, seed=0)
    assert isinstance(train_loader.dataset, GuardedDataset) and isinstance(val_loader.dataset, GuardedDataset)
    assert len(train_loader) == 4 and len(val_loader.dataset) == 12
    model = build_model(cfg["model"])
    metrics = evaluate(model, val_loader)
    assert metrics["videos"] == 12 and 0 <= metrics["top1"] <= 1
    scheduler, optimizer = build_optimizer(model, cfg["train"], 0.01, len(train_loader))
    run = Run(cfg, model, optimizer, scheduler, str(tmp_path), total_iters=8, epoch=1, iteration=4, best_metric=0.5)
    save(run, best=True)
    assert sorted(os.listdir(tmp_path)) == ["best_model", "latest"]
    assert sorted(os.listdir(tmp_path / "latest")) == [".complete", "config.yaml", "model.pdopt", "model.pdparams",
                                                      "state.json"]
    assert json.load(open(tmp_path / "latest" / "state.json"))["iteration"] == 4
    assert load_config(str(tmp_path / "best_model" / "config.yaml")) == cfg
    fresh = build_model(cfg["model"])
    scheduler, optimizer = build_optimizer(fresh, cfg["train"], 0.01, 4)
    other = Run(cfg, fresh, optimizer, scheduler, str(tmp_path), total_iters=8)
    resume(other, str(tmp_path / "latest"))
    assert (other.epoch, other.iteration, other.best_metric) == (1, 4, 0.5)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(other.model.state_dict()[k].numpy(), v.numpy())


def test_train_one_epoch_stops_on_a_non_finite_loss(mini_pkl, tiny_cfg, tmp_path):
    """issue 10: a NaN loss ends the run with one line naming epoch and iteration (nothing is saved by the step)."""
    from utils import UserError
    from utils.engine import Run
    cfg = load_config(tiny_cfg)
    train_loader, _ = build_loaders(cfg, mini_pkl, num_workers=0, seed=0)
    model = build_model(cfg["model"])
    model.cls_head.fc_cls.bias.set_value(paddle.full([4], float("nan")))
    scheduler, optimizer = build_optimizer(model, cfg["train"], 0.01, len(train_loader))
    run = Run(cfg, model, optimizer, scheduler, str(tmp_path), total_iters=8, net=model, epoch=2, iteration=8)
    with pytest.raises(UserError, match=r"the loss is nan at epoch 3, iteration 9 \(1/4 of the epoch\)"):
        train_one_epoch(run, train_loader, 3)
    assert not os.listdir(tmp_path)
