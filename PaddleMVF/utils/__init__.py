"""Small helpers shared by every script: the folder's paths, user errors, flags, seeding, device, logging.

The config contract (schema, load/save, the config beside a checkpoint, class names) lives in utils/config.py,
the training loop in utils/engine.py, checkpoints in utils/checkpoint.py; utils/auto_log.py, atomic_io.py,
config_schema.py and fail_fast.py are the files every model folder carries as the same text.

Importing utils silences Paddle's import-time "No ccache found" note (by its message only: real warnings
stay), so every script that imports utils before paddle prints none.
"""
import argparse
import contextlib
import logging
import os
import random
import sys
import warnings
from typing import Callable, Optional

import numpy as np

from .cpu_blas import prefer_avx2_mkl

# before the first GEMM (MKL reads the variable then): AVX2 kernels on AMD CPUs, see utils/cpu_blas.py
prefer_avx2_mkl()

warnings.filterwarnings("ignore", message="No ccache found")
# paddle.nn.BatchNorm's note on every train-mode forward (running stats are what train mode updates anyway)
warnings.filterwarnings("ignore", message="When training, we now always track global mean and variance")

# The PaddleMVF folder. Default paths (flag defaults, and relative paths written in a config file)
# resolve against it, so `cd /tmp && python /path/to/PaddleMVF/test.py` finds configs/, output/ and
# data/; a relative path given on the command line is the user's, relative to the current directory.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def from_root(path: Optional[str]) -> Optional[str]:
    """A relative default path -> the same path under the PaddleMVF folder (None/'' unchanged)."""
    if not path or os.path.isabs(path):
        return path
    return os.path.join(ROOT, path)


def input_path(path: Optional[str]) -> Optional[str]:
    """A path given on the command line: as is when it exists from the current directory, else the same
    relative path inside this folder when that exists (`--config configs/mvf_r50_lite.yaml` from anywhere)."""
    if path and not os.path.exists(path) and not os.path.isabs(path) and os.path.exists(from_root(path)):
        return from_root(path)
    return path


class UserError(Exception):
    """A problem the user can fix (bad path, bad file, wrong checkpoint): printed as one line."""


def run_main(main: Callable[[], None]) -> None:
    """Run a script's main(); a UserError becomes `error: <msg>` on stderr and exit status 2."""
    try:
        main()
    except UserError as e:
        print(f"error: {e}", file=sys.stderr)
        sys.exit(2)


def str2bool(v) -> bool:
    if isinstance(v, bool):
        return v
    if v.lower() in ("true", "t", "1", "yes", "y"):
        return True
    if v.lower() in ("false", "f", "0", "no", "n"):
        return False
    raise argparse.ArgumentTypeError(f"expected a boolean (True/False), got {v!r}")


def check_flag(value, name: str, low: float = 1) -> None:
    """A numeric flag below `low` (or NaN/inf) is a UserError naming the flag."""
    if value is not None and not (low <= value < float("inf")):
        raise UserError(f"{name} {value} is out of range, the command line, pass {name} >= {low:g}")


def seed_everything(seed: int) -> None:
    import paddle
    random.seed(seed)
    np.random.seed(seed % 2 ** 32)
    paddle.seed(seed)


def rng_state() -> dict:
    """numpy + python RNG states as JSON-able lists (for state.json)."""
    name, keys, pos, has_gauss, gauss = np.random.get_state()
    version, internal, gauss_next = random.getstate()
    return {"numpy_rng": [name, keys.tolist(), int(pos), int(has_gauss), float(gauss)],
            "python_rng": [version, list(internal), gauss_next]}


def set_rng_state(state: dict) -> None:
    name, keys, pos, has_gauss, gauss = state["numpy_rng"]
    np.random.set_state((name, np.array(keys, dtype=np.uint32), pos, has_gauss, gauss))
    version, internal, gauss_next = state["python_rng"]
    random.setstate((version, tuple(internal), gauss_next))


def default_device() -> str:
    import paddle
    return "gpu" if paddle.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0 else "cpu"


def set_device(device: Optional[str]) -> str:
    import paddle
    device = device or default_device()
    if device == "gpu" and not paddle.is_compiled_with_cuda():
        raise UserError("--device gpu asked but this paddle has no CUDA, the command line, pass --device cpu "
                        "or install paddlepaddle-gpu")
    paddle.set_device(device)
    return device


def get_logger(log_file: Optional[str] = None) -> logging.Logger:
    """Logger printing to stdout and, when given, writing ``log_file`` (appended: a resumed run continues it).
    Handlers of an earlier call in this process (tests) are closed first."""
    logger = logging.getLogger("mvf")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for h in list(logger.handlers):
        h.close()
        logger.removeHandler(h)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger.addHandler(handler)
    if log_file:
        os.makedirs(os.path.dirname(os.path.abspath(log_file)), exist_ok=True)
        fh = logging.FileHandler(log_file)
        fh.setFormatter(logging.Formatter("[%(asctime)s] %(message)s", "%Y/%m/%d %H:%M:%S"))
        logger.addHandler(fh)
    return logger


@contextlib.contextmanager
def quiet_stdout(enabled: bool):
    """File descriptor 1 goes to /dev/null meanwhile: Paddle Inference's oneDNN passes print their names on the
    C++ stdout during run(), past glog, and paddle2onnx's optimiser its progress (issue 17). Exceptions still
    propagate."""
    if not enabled:
        yield
        return
    sys.stdout.flush()
    saved, devnull = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
