"""Shared fixtures: the mini pkl, a tiny config for mechanics tests, one lite training run shared by every test that
needs a trained model (session scope: it is the suite's most expensive step), and helpers to run a script's
main(argv) in this process or a script in a subprocess.

This file puts the model folder on sys.path once (tests run from the folder: `python -m pytest -q tests`); no test
touches sys.path.
"""
import importlib.util
import os
import subprocess
import sys
import warnings

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
warnings.filterwarnings("ignore", message="No ccache found")
warnings.filterwarnings("ignore", message="When training, we now always track global mean and variance")

from datasets.mini import write_mini
from utils.config import load_config

LITE = os.path.join(ROOT, "configs", "posec3d_lite.yaml")
UCF = os.path.join(ROOT, "configs", "posec3d_r50_ucf101_split1.yaml")


def run_script(*args, env=None, check=True, cwd=ROOT, timeout=600):
    """Run `python <args>` (from the folder root unless `cwd`); returns the CompletedProcess."""
    full_env = dict(os.environ, OMP_NUM_THREADS="1", **(env or {}))
    proc = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=full_env,
                          timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc


def script(name: str):
    """A script of the folder as a module (test.py by path: `import test` could find the standard library's)."""
    path = os.path.join(ROOT, f"{name}.py")
    spec = importlib.util.spec_from_file_location(f"posec3d_{name.replace('/', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cli(main, *argv):
    """Run a script's main(argv) in this process as its `__main__` does (utils.run_main): a UserError becomes
    `error: ...` on stderr and exit status 2. Returns the exit status (0 when main returns)."""
    from utils import run_main
    try:
        run_main(lambda: main([str(a) for a in argv]))
    except SystemExit as exc:
        return exc.code
    return 0


def one_error_line(capsys) -> str:
    """The single `error:` line a failed script printed (and no traceback)."""
    err = capsys.readouterr().err
    lines = [x for x in err.splitlines() if x.startswith("error: ")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def model_cfg(**overrides) -> dict:
    """The UCF-101 config's model section with `overrides` (what build_model takes)."""
    return dict(load_config(UCF)["model"], **overrides)


def write_config(path, base: str = LITE, **sections) -> str:
    """A copy of a config with `sections` = {'data': {...}, ...} merged in; returns its path."""
    with open(base, encoding="utf-8") as f:
        cfg = yaml.safe_load(f)
    for section, values in sections.items():
        cfg[section].update(values)
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(cfg, f)
    return str(path)


@pytest.fixture(scope="session")
def mini_pkl(tmp_path_factory):
    """The mini pkl, with predict_example.pkl and fixed_input.pkl beside it."""
    return write_mini(str(tmp_path_factory.mktemp("data") / "mini_ucf101.pkl"))


@pytest.fixture(scope="session")
def tiny_cfg(tmp_path_factory):
    """The lite config shrunk for mechanics (resume, 2 processes, errors): base width 4, 4 frames of 16x16."""
    return write_config(tmp_path_factory.mktemp("cfg") / "tiny.yaml", model={"base_channels": 4},
                        data={"clip_len": 4, "resize_short": 20, "train_size": 16, "test_size": 16, "test_clips": 1,
                              "repeat": 1},
                        train={"max_epochs": 2, "batch_size": 8, "base_batch": 8, "precise_bn_iters": 2})


@pytest.fixture(scope="session")
def lite_run(mini_pkl, tmp_path_factory):
    """One real lite training (the TIPC settings), run in this process; returns (save_dir, train.log text).
    Every test that needs a trained model uses this one run."""
    import train
    save_dir = str(tmp_path_factory.mktemp("lite"))
    code = cli(train.main, "--config", LITE, "--dataset_root", mini_pkl, "--save_dir", save_dir, "--log_iters", "4",
               "--device", "cpu", "--seed", "0")
    assert code == 0
    with open(os.path.join(save_dir, "train.log"), encoding="utf-8") as f:
        return save_dir, f.read()


@pytest.fixture(scope="session")
def lite_export(lite_run, tmp_path_factory):
    """The lite run's best model exported (Paddle Inference + ONNX) with export_model.py, no --config."""
    export_model = script("export_model")
    out = tmp_path_factory.mktemp("export")
    weights = os.path.join(lite_run[0], "best_model", "model.pdparams")
    assert cli(export_model.main, "--model_path", weights, "--save_dir", out, "--onnx", "True") == 0
    return str(out)


def pytest_configure(config):
    # Paddle's import-time note and BatchNorm3D's train-mode note, known harmless (issue 17); other warnings stay
    config.addinivalue_line("filterwarnings", "ignore:No ccache found")
    config.addinivalue_line("filterwarnings", "ignore:When training, we now always track global mean and variance")
    config.addinivalue_line("filterwarnings", "ignore:Tensor do not have 'place' interface for pir graph mode")
