"""utils/engine.py: the six named steps of the training loop (the same names in every folder)."""
import os

import numpy as np
import paddle
from conftest import LITE

from models import build_model
from utils.config import load_config
from utils.engine import Run, build_loaders, build_optimizer, evaluate, resume, save, train_one_epoch


def test_the_six_steps_train_save_and_resume_the_same_state(tiny_root, tmp_path):
    paddle.set_device("cpu")
    cfg = load_config(LITE, {"data.dataset_root": tiny_root, "train.batch_size": 4, "train.max_epochs": 2})
    train_loader, val_loader = build_loaders(cfg, seed=0)
    assert len(train_loader) == 1 and len(val_loader.dataset) == 8  # split 1: groups 1-2 test, group 3 trains
    paddle.seed(0)
    model = build_model(cfg["model"])
    scheduler, optimizer = build_optimizer(model, cfg["train"], len(train_loader))
    assert optimizer.get_lr() == 0.0  # linear warm-up from 0 over warmup_epochs
    run = Run(cfg, model, optimizer, scheduler, str(tmp_path), total_iters=2, log_iters=1)
    run.net = model
    from utils import get_logger
    run.logger = get_logger(None)
    train_one_epoch(run, train_loader, 1)
    run.epoch = 1
    metrics = evaluate(model, val_loader)
    assert metrics["num_videos"] == 8 and 0 <= metrics["top1"] <= 1
    run.best_metric = metrics["mean_class_acc"]
    save(run, best=True)
    assert sorted(os.listdir(tmp_path / "latest")) == [".complete", "config.yaml", "model.pdopt", "model.pdparams",
                                                       "state.json"]
    other = build_model(cfg["model"])
    s2, o2 = build_optimizer(other, cfg["train"], len(train_loader))
    run2 = Run(cfg, other, o2, s2, str(tmp_path), total_iters=2)
    # a kill between the two renames of a save: latest moved aside, a complete copy left as latest.tmp-<pid>
    os.rename(tmp_path / "latest", tmp_path / "latest.old-12345")
    import shutil
    shutil.copytree(tmp_path / "latest.old-12345", tmp_path / "latest.tmp-12345")
    resume(run2, str(tmp_path / "latest"))
    assert (run2.epoch, run2.iteration, run2.best_metric) == (1, 1, run.best_metric)
    assert s2.last_lr == scheduler.last_lr
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), other.state_dict()[k].numpy())
