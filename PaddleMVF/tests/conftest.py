import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)  # the folder's packages (models, datasets, utils), as for its scripts
LITE = os.path.join(ROOT, "configs", "mvf_r50_lite.yaml")
PAPER = os.path.join(ROOT, "configs", "mvf_r50_16x4_ucf101.yaml")


def pytest_configure(config):
    # Paddle's import-time ccache note and its BatchNorm note on every training step: known, not ours (issue 17)
    config.addinivalue_line("filterwarnings", "ignore:No ccache found")
    config.addinivalue_line("filterwarnings", "ignore:When training, we now always track global mean")


def model_cfg(path: str = LITE, **overrides) -> dict:
    """The model section of a config (default: the lite one) with some keys replaced."""
    from utils.config import load_config
    return dict(load_config(path)["model"], **overrides)


def run_script(*args: str, timeout: int = 600, threads: str = None) -> subprocess.CompletedProcess:
    """Run one of the folder's scripts from the folder, as a user would (``threads``: OMP_NUM_THREADS)."""
    env = dict(os.environ, OMP_NUM_THREADS=threads or os.environ.get("OMP_NUM_THREADS", "1"))
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=timeout)


def run_cli(main, argv, capsys) -> tuple:
    """Run a script's main(argv) in-process under run_main: (exit status, stdout, stderr lines)."""
    from utils import run_main
    code = 0
    try:
        run_main(lambda: main(argv))
    except SystemExit as e:
        code = e.code
    cap = capsys.readouterr()
    return code, cap.out, cap.err.strip().splitlines()


def build_lists(root: str) -> None:
    from tools.build_file_list import main
    argv = sys.argv
    sys.argv = ["build_file_list.py", "--dataset_root", root]
    try:
        main()
    finally:
        sys.argv = argv


@pytest.fixture(scope="session")
def mini_root(tmp_path_factory) -> str:
    """The 4-class mini UCF-101 with its rawframe lists (same as TIPC's)."""
    from datasets.mini import generate
    root = str(tmp_path_factory.mktemp("mini_ucf"))
    generate(root, seed=0)
    build_lists(root)
    return root


@pytest.fixture(scope="session")
def tiny_root(tmp_path_factory) -> str:
    """3 groups x 1 clip x 4 classes: 4 training videos for split 1 (checkpoint/resume/launch tests)."""
    from datasets.mini import generate
    root = str(tmp_path_factory.mktemp("tiny_ucf"))
    generate(root, groups=3, clips=1, seed=1)
    build_lists(root)
    return root


@pytest.fixture(scope="session")
def trained(mini_root, tmp_path_factory) -> str:
    """save_dir of one lite training run on the mini data (the TIPC recipe), on one thread so that the
    CPU run is bit-reproducible."""
    save_dir = str(tmp_path_factory.mktemp("lite_run"))
    r = run_script("train.py", "--config", "configs/mvf_r50_lite.yaml", "--dataset_root", mini_root,
                   "--save_dir", save_dir, "--device", "cpu", "--log_iters", "4", threads="1")
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-3000:]
    return save_dir


@pytest.fixture(scope="session")
def exported(trained, tmp_path_factory) -> str:
    """The lite model exported once by export_model.py --onnx True (its own ONNX-vs-Paddle check passed), for
    every test that reads an exported model."""
    out = str(tmp_path_factory.mktemp("inf"))
    r = run_script("export_model.py", "--model_path", os.path.join(trained, "best_model", "model.pdparams"),
                   "--save_dir", out, "--onnx", "True")
    assert r.returncode == 0 and "Model is saved in" in r.stdout and "ONNX model is saved in" in r.stdout, \
        r.stdout[-2000:] + r.stderr[-2000:]
    return out
