"""Shared fixtures: the folder on sys.path (once, here), generated data, configs, and ONE lite training that every
test needing a trained model shares."""
import os
import sys
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # Paddle's import-time note (issue 17)
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

import contextlib
import importlib.util
import io
import subprocess
from types import SimpleNamespace

import pytest
import yaml

from datasets.mini import write_mini

LITE_CONFIG = os.path.join(ROOT, "configs", "stgcn_fsd10_lite.yaml")
NTU_CONFIG = os.path.join(ROOT, "configs", "stgcn_ntu_xsub.yaml")
# the shared training: the lite recipe (full ST-GCN, Momentum, cosine) on 140 mini samples (120 train, 20 val)
# with a 4-frame window, 4 epochs of batch 8: 60 updates, the fewest with which held-out top-1 is reliably far
# above chance (0.85 on the seeded CPU run; 3 epochs or batch 4 stay at 0.4-0.65); about 35 s of one CPU core
LEARN_FLAGS = ("--window_size=4", "--max_epochs=4", "--batch_size=8", "--log_iters=5")


def pytest_configure(config):
    config.addinivalue_line("markers", "multiprocess: starts several Python processes (2-card launch, kills)")
    config.addinivalue_line("filterwarnings", "ignore:No ccache found")
    # Paddle's BatchNorm note on every training step (pytest resets the filter models/stgcn.py sets at import)
    config.addinivalue_line("filterwarnings", "ignore:When training, we now always track global mean")


def load_script(name: str):
    """Import one of the folder's scripts (train.py, test.py, ...) as a module, to call its main() in-process
    (`test` would otherwise resolve to the standard library's test package)."""
    spec = importlib.util.spec_from_file_location(f"stgcn_script_{name}", os.path.join(ROOT, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(*args: str, timeout: int = 300, env: dict = None) -> subprocess.CompletedProcess:
    """`python <script> args...` from the folder, one thread, output captured (only where a test needs its own
    process: kills, os._exit, the 2-process launch, what a user sees on the terminal)."""
    env = dict(os.environ, OMP_NUM_THREADS="1", **(env or {}))
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=timeout)


def user_error_line(main, argv, capsys) -> str:
    """Run main(argv) the way the scripts do (utils.common.run_main); return its one stderr line, exit 2."""
    from utils.common import run_main
    with pytest.raises(SystemExit) as exit_info:
        run_main(lambda: main(argv))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: "), err
    return err[0]


def quiet(main, argv):
    """main(argv) with its stdout swallowed (log lines); returns main's result."""
    with contextlib.redirect_stdout(io.StringIO()):
        return main(argv)


def lite_config():
    from utils.config import load_config
    return load_config(LITE_CONFIG)


def model_cfg(**changes) -> dict:
    """The lite config's model section with some keys changed (e.g. num_classes=30, in_channels=3)."""
    return {**lite_config()["model"], **changes}


def write_config(path, cfg: dict) -> str:
    with open(path, "w", encoding="utf-8") as f:
        yaml.safe_dump(cfg, f, sort_keys=False)
    return str(path)


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


@pytest.fixture(scope="session")
def mini_root(tmp_path_factory) -> str:
    """The TIPC-sized mini set: 140 labelled samples of 5 classes (120 train, 20 validation)."""
    root = str(tmp_path_factory.mktemp("mini"))
    write_mini(root, num_train=140, num_test=6, frames=120, seed=0)
    return root


@pytest.fixture(scope="session")
def tiny_root(tmp_path_factory) -> str:
    """A very small set for checks that train but do not need learning: 14 samples (12 train, 2 val), 40 frames."""
    root = str(tmp_path_factory.mktemp("tiny"))
    write_mini(root, num_train=14, num_test=4, frames=40, seed=1)
    return root


@pytest.fixture(scope="session")
def tiny_config(tmp_path_factory) -> str:
    """The lite config with a two-block table ([8, 1], [16, 2]) and an 8-frame window: the same code paths
    (config contract, engine, checkpoints, export) at a fraction of the cost, for tests of mechanics."""
    cfg = lite_config()
    cfg["model"]["blocks"] = [[8, 1], [16, 2]]
    cfg["data"]["transforms"][0]["AutoPadding"]["window_size"] = 8
    return write_config(tmp_path_factory.mktemp("tiny_config") / "tiny.yaml", cfg)


@pytest.fixture(scope="session")
def trained(mini_root, tmp_path_factory) -> SimpleNamespace:
    """ONE lite training (in-process, LEARN_FLAGS), shared by every test that needs a trained checkpoint:
    save_dir with latest/ and best_model/ (each with its config.yaml), the log text and the final trainer."""
    save_dir = tmp_path_factory.mktemp("trained")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        trainer = load_script("train").main([f"--config={LITE_CONFIG}", f"--dataset_root={mini_root}",
                                             "--device=cpu", f"--save_dir={save_dir}", *LEARN_FLAGS])
    return SimpleNamespace(save_dir=save_dir, best=str(save_dir / "best_model" / "model.pdparams"),
                           log=out.getvalue(), trainer=trainer, root=mini_root)
