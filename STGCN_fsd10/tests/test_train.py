"""Training end to end: learning (the shared lite training), exact resume (also after SIGKILL and after a kill
between the two renames of a checkpoint swap), a non-finite loss, and a 2-process run against a 1-process one."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys

import numpy as np
import paddle
import pytest
from conftest import ROOT, load_script, quiet, user_error_line

from utils.checkpoint import read_json


def train(config, root, save_dir, *extra):
    return quiet(load_script("train").main, [f"--config={config}", f"--dataset_root={root}", "--device=cpu",
                                             f"--save_dir={save_dir}", *extra])


def same_weights(a, b):
    first, second = paddle.load(str(a)), paddle.load(str(b))
    assert first.keys() == second.keys()
    for key in first:
        np.testing.assert_array_equal(first[key].numpy(), second[key].numpy(), err_msg=key)


def test_lite_training_learns(trained):
    """The lite recipe (full ST-GCN, Momentum 0.9, cosine lr) on the mini set: the loss falls and held-out top-1 of
    the best model is far above chance (5 classes: 0.2)."""
    losses = [float(x) for x in re.findall(r"\[TRAIN\].*?loss: ([0-9.]+)", trained.log)]
    assert np.mean(losses[-3:]) < np.mean(losses[:3]), losses
    evals = [float(x) for x in re.findall(r"\[EVAL\] epoch: \d+, top1: ([0-9.]+)", trained.log)]
    assert len(evals) == 4 and max(evals) >= 0.5, evals  # 2.5x chance; the seeded CPU run reaches 0.85
    assert read_json(str(trained.save_dir / "latest" / "state.json"))["best_metric"] == max(evals)
    assert sorted(os.listdir(trained.save_dir)) == ["best_model", "latest", "train.log"]
    assert "[EVAL]" in open(trained.save_dir / "train.log").read()


def test_test_script_scores_the_trained_model(trained, tmp_path):
    """test.py with no --config (the checkpoint's config.yaml) reproduces the training's best top-1."""
    metrics = quiet(load_script("test").main, [f"--dataset_root={trained.root}", f"--pretrained={trained.best}",
                                               "--device=cpu", f"--save_dir={tmp_path}"])
    assert metrics["top1"] == pytest.approx(read_json(str(trained.save_dir / "latest" / "state.json"))["best_metric"])
    assert json.load(open(tmp_path / "metrics.json")) == metrics
    assert os.path.getsize(tmp_path / "confusion_matrix.png") > 0


def test_resume_matches_uninterrupted_run(tiny_root, tiny_config, tmp_path):
    """Stop after epoch 1 (12 samples / batch 4 = 3 iterations), resume, and land on the same weights."""
    common = ("--max_epochs=2", "--batch_size=4")
    train(tiny_config, tiny_root, tmp_path / "full", *common)
    train(tiny_config, tiny_root, tmp_path / "part", *common, "--max_iters=3")
    state = read_json(str(tmp_path / "part" / "latest" / "state.json"))
    assert state["epoch"] == 1 and state["iteration"] == 3
    train(tiny_config, tiny_root, tmp_path / "part", *common, f"--resume={tmp_path / 'part' / 'latest'}")
    same_weights(tmp_path / "full" / "latest" / "model.pdparams", tmp_path / "part" / "latest" / "model.pdparams")
    assert read_json(str(tmp_path / "part" / "latest" / "state.json"))["epoch"] == 2


def test_kill_between_the_two_renames_resumes(tiny_root, tiny_config, tmp_path):
    """utils/atomic_io.save_dir_atomic: a kill after `latest` -> `latest.old-<pid>` and before
    `latest.tmp-<pid>` -> `latest` leaves no latest/; --resume recovers the newest complete copy, and the
    next start removes the debris."""
    common = ("--max_epochs=2", "--batch_size=4")
    train(tiny_config, tiny_root, tmp_path / "full", *common)
    part = tmp_path / "part"
    train(tiny_config, tiny_root, part, *common, "--max_iters=3")
    shutil.copytree(part / "latest", part / "latest.tmp-12345")  # the new copy, complete (it holds .complete)
    (part / "latest.tmp-12345" / ".complete").touch()
    os.replace(part / "latest", part / "latest.old-12345")
    assert not os.path.exists(part / "latest")
    train(tiny_config, tiny_root, part, *common, f"--resume={part / 'latest'}")
    same_weights(tmp_path / "full" / "latest" / "model.pdparams", part / "latest" / "model.pdparams")
    assert sorted(os.listdir(part)) == ["best_model", "latest", "train.log"]


@pytest.mark.multiprocess
def test_killed_run_resumes_to_the_same_weights(tiny_root, tiny_config, tmp_path):
    """SIGKILL a run right after its epoch-1 checkpoint, resume it, and land on the uninterrupted weights."""
    common = ("--max_epochs=3", "--batch_size=4")
    train(tiny_config, tiny_root, tmp_path / "full", *common)
    argv = [sys.executable, "train.py", f"--config={tiny_config}", f"--dataset_root={tiny_root}", "--device=cpu",
            *common, f"--save_dir={tmp_path / 'part'}"]
    proc = subprocess.Popen(argv, cwd=ROOT, env=dict(os.environ, OMP_NUM_THREADS="1"), stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    for line in proc.stdout:  # the logger flushes every line; kill as soon as epoch 1 is on disk
        if "saved checkpoint" in line and "(epoch 1)" in line:
            proc.kill()
            break
    proc.stdout.close()
    assert proc.wait(timeout=300) == -signal.SIGKILL, "the run ended before it could be killed"
    assert read_json(str(tmp_path / "part" / "latest" / "state.json"))["epoch"] in (1, 2)
    train(tiny_config, tiny_root, tmp_path / "part", *common, f"--resume={tmp_path / 'part' / 'latest'}")
    same_weights(tmp_path / "full" / "latest" / "model.pdparams", tmp_path / "part" / "latest" / "model.pdparams")


def test_non_finite_loss_stops_with_one_line_and_keeps_the_last_checkpoint(tiny_root, tiny_config, tmp_path, capsys,
                                                                          monkeypatch):
    """A loss that turns NaN in epoch 2 (iteration 5 of 3 per epoch) stops the run, exit 2, naming the epoch and
    iteration; latest/ keeps the complete epoch-1 checkpoint."""
    from utils import engine
    real, calls = engine.F.cross_entropy, []

    def nan_at_5(logits, y):
        calls.append(1)
        loss = real(logits, y)
        return loss * float("nan") if len(calls) == 5 else loss
    monkeypatch.setattr(engine.F, "cross_entropy", nan_at_5)
    line = user_error_line(load_script("train").main, [f"--config={tiny_config}", f"--dataset_root={tiny_root}",
                                                       "--device=cpu", "--max_epochs=3", "--batch_size=4",
                                                       f"--save_dir={tmp_path}"], capsys)
    assert "the loss is nan at epoch 2, iteration 5" in line and str(tmp_path / "latest") in line
    assert read_json(str(tmp_path / "latest" / "state.json"))["epoch"] == 1
    assert sorted(os.listdir(tmp_path / "latest")) == [".complete", "config.yaml", "model.pdopt", "model.pdparams",
                                                       "state.json"]


def test_a_diverging_learning_rate_stops_at_the_first_non_finite_loss(tiny_root, tiny_config, tmp_path, capsys):
    line = user_error_line(load_script("train").main, [f"--config={tiny_config}", f"--dataset_root={tiny_root}",
                                                       "--device=cpu", "--max_epochs=2", "--batch_size=4",
                                                       "--learning_rate=1e30", f"--save_dir={tmp_path}"], capsys)
    assert re.search(r"the loss is (nan|inf) at epoch 1, iteration \d", line), line
    assert not os.path.exists(tmp_path / "latest") and not os.path.exists(tmp_path / "best_model")


def test_full_train_skips_evaluation(tiny_root, tiny_config, tmp_path):
    """--full_train: all 14 samples train (3 batches of 4), no [EVAL], best_model is the last epoch."""
    trainer = train(tiny_config, tiny_root, tmp_path, "--max_epochs=1", "--batch_size=4", "--full_train=True")
    log = open(tmp_path / "train.log").read()
    assert "train 14 samples" in log and "x 3 iters" in log and "[EVAL]" not in log
    assert trainer.loaders.val is None
    assert os.path.isfile(tmp_path / "best_model" / "model.pdparams")


@pytest.mark.multiprocess
def test_two_processes_match_one_process_with_the_same_total_batch(mini_root, tiny_config, tmp_path):
    """paddle.distributed.launch --nproc_per_node 2 with batch 4 per card against 1 process with batch 8, 2 epochs:
    the same samples per step (DistributedBatchSampler gives each rank a half of the same shuffled batch), the
    gradients averaged; only BatchNorm statistics differ (per card, as the official multi-card runs). Rank 0
    evaluates all 20 validation samples and alone writes; the final validation losses agree within 0.05 and the
    top-1 within 0.15 (3 of 20 samples)."""
    common = (f"--config={tiny_config}", f"--dataset_root={mini_root}", "--device=cpu", "--max_epochs=2",
              "--window_size=4")
    one = train(tiny_config, mini_root, tmp_path / "one", *common[3:], "--batch_size=8")
    logs = tmp_path / "log"
    result = subprocess.run([sys.executable, "-m", "paddle.distributed.launch", "--nproc_per_node", "2", "--log_dir",
                             str(logs), "train.py", *common, "--batch_size=4", f"--save_dir={tmp_path / 'two'}"],
                            cwd=ROOT, env=dict(os.environ, OMP_NUM_THREADS="1"), capture_output=True, text=True,
                            timeout=600)
    worker0, worker1 = (open(logs / f"workerlog.{i}").read() for i in (0, 1))
    assert result.returncode == 0, result.stderr[-2000:] + worker0[-2000:] + worker1[-2000:]
    assert "saved checkpoint" in worker0 and "saved checkpoint" not in worker1 and "[EVAL]" not in worker1
    assert "train 120 samples (2 card(s)), val 20" in worker0
    assert sorted(os.listdir(tmp_path / "two")) == ["best_model", "latest", "train.log"]
    top1 = [float(re.findall(r"\[EVAL\] epoch: 2, top1: ([0-9.]+)", text)[0])
            for text in (open(tmp_path / "one" / "train.log").read(), worker0)]
    assert abs(top1[0] - top1[1]) <= 0.15, top1
    loss = [val_loss(one.cfg, path, mini_root) for path in (tmp_path / "one", tmp_path / "two")]
    print(f"1 process vs 2 processes: val top-1 {top1}, val loss {loss}")  # shown with pytest -s
    assert abs(loss[0] - loss[1]) <= 0.05, loss


def val_loss(cfg, save_dir, root) -> float:
    """Mean cross-entropy of <save_dir>/latest on the whole validation split."""
    import paddle.nn.functional as F

    from models import build_model
    from utils.checkpoint import load_pretrained
    from utils.engine import build_loaders
    model = build_model(cfg["model"])
    load_pretrained(model, str(save_dir / "latest" / "model.pdparams"))
    model.eval()
    losses = []
    with paddle.no_grad():
        for x, y in build_loaders(cfg, root).val:
            losses.append(float(F.cross_entropy(model(x), y, reduction="sum")))
    return sum(losses) / 20
