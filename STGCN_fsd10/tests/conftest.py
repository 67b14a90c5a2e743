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


NTU_CONFIG = os.path.join(ROOT, "configs", "stgcn_ntu_xsub.yaml")


def load_script(name: str):
    """Import one of the folder's scripts (train.py, test.py, ...) as a module, to call its main() in-process
    (`test` would otherwise resolve to the standard library's test package)."""
    import importlib.util
    spec = importlib.util.spec_from_file_location(f"stgcn_script_{name}", os.path.join(ROOT, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def user_error_line(main, argv, capsys) -> str:
    """Run main(argv) the way the scripts do (utils.common.run_main); return its one stderr line, exit 2."""
    from utils.common import run_main
    with pytest.raises(SystemExit) as exit_info:
        run_main(lambda: main(argv))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def write_ntu(root: str, num: int = 4, frames: int = 12, seed: int = 0) -> str:
    """NTU RGB+D files in yysijie tools/ntu_gendata.py's layout: xsub/{train,val}_data.npy [N, 3, T, 25, 2]
    float32 and xsub/{train,val}_label.pkl = pickle((sample names, labels)); second body zero in half."""
    import pickle
    import numpy as np
    rng = np.random.RandomState(seed)
    os.makedirs(os.path.join(root, "xsub"), exist_ok=True)
    for split in ("train", "val"):
        data = rng.uniform(-1, 1, (num, 3, frames, 25, 2)).astype("float32")
        data[::2, :, :, :, 1] = 0  # one-person samples, as ntu_gendata pads the second body with zeros
        np.save(os.path.join(root, "xsub", f"{split}_data.npy"), data)
        with open(os.path.join(root, "xsub", f"{split}_label.pkl"), "wb") as f:
            pickle.dump(([f"S001C001P001R001A{i:03d}.skeleton" for i in range(num)],
                         [int(x) for x in rng.randint(0, 60, num)]), f)
    return root
