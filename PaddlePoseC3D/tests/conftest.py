"""Shared fixtures: the mini pkl, a tiny config for mechanics tests, and one lite training run."""
import os
import subprocess
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from datasets.mini import write_mini  # noqa: E402


def run_script(*args, env=None, check=True, cwd=ROOT):
    """Run `python <args>` (from the folder root unless `cwd`); returns the CompletedProcess."""
    full_env = dict(os.environ, OMP_NUM_THREADS="1", **(env or {}))
    proc = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=full_env)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def cli(main, *argv):
    """Run a script's main(argv) in this process as its `__main__` does (utils.run_main): a UserError becomes
    `error: ...` on stderr and exit status 2. Returns the exit status (0 when main returns)."""
    from utils import run_main
    try:
        run_main(lambda: main(list(argv)))
    except SystemExit as exc:
        return exc.code
    return 0


@pytest.fixture(scope="session")
def mini_pkl(tmp_path_factory):
    return write_mini(str(tmp_path_factory.mktemp("data") / "mini_ucf101.pkl"))


@pytest.fixture(scope="session")
def tiny_cfg(tmp_path_factory):
    """The lite config shrunk for mechanics (resume, 2 processes, export): base width 4, 4 frames of 16x16."""
    with open(os.path.join(ROOT, "configs", "posec3d_lite.yaml"), encoding="utf-8") as f:
        cfg = yaml.safe_load(f)
    cfg["model"]["base_channels"] = 4
    cfg["data"].update(clip_len=4, resize_short=20, train_size=16, test_size=16, test_clips=1, repeat=1)
    cfg["train"].update(max_epochs=2, batch_size=8, base_batch=8, precise_bn_iters=2)
    path = tmp_path_factory.mktemp("cfg") / "tiny.yaml"
    path.write_text(yaml.safe_dump(cfg), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="session")
def lite_run(mini_pkl, tmp_path_factory):
    """One real lite training (the TIPC settings); returns (save_dir, stdout)."""
    save_dir = str(tmp_path_factory.mktemp("lite"))
    proc = run_script("train.py", "--config", "configs/posec3d_lite.yaml", "--dataset_root", mini_pkl,
                      "--save_dir", save_dir, "--log_iters", "4", "--device", "cpu", "--seed", "0")
    return save_dir, proc.stdout
