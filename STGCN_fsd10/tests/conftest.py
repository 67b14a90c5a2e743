"""Shared fixtures: the folder on sys.path, generated mini data, and a subprocess runner for the scripts."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from datasets.mini import write_mini  # noqa: E402

LITE_CONFIG = os.path.join(ROOT, "configs", "stgcn_fsd10_lite.yaml")


def run_script(*args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """Run `python <script> args...` from the folder, one thread, output captured."""
    env = dict(os.environ, OMP_NUM_THREADS="1", PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="session")
def mini_root(tmp_path_factory) -> str:
    """The TIPC-sized mini set: 140 labelled samples of 5 classes (120 train, 20 validation)."""
    root = str(tmp_path_factory.mktemp("mini"))
    write_mini(root, num_train=140, num_test=14, frames=120, seed=0)
    return root


@pytest.fixture(scope="session")
def tiny_root(tmp_path_factory) -> str:
    """A very small set for checks that train but do not need learning: 14 samples, 40 frames."""
    root = str(tmp_path_factory.mktemp("tiny"))
    write_mini(root, num_train=14, num_test=4, frames=40, seed=1)
    return root
