"""Helpers shared by every script: the folder's paths, user errors, flags, seeding, device, logging.

The config contract (schema, load/save, the config beside a checkpoint, class names) lives in utils/config.py,
the training loop in utils/engine.py, checkpoints in utils/checkpoint.py; utils/auto_log.py, atomic_io.py,
config_schema.py and fail_fast.py are the files every model folder carries as the same text.
"""
from __future__ import annotations

import argparse
import logging
import os
import random
import sys
from typing import Callable

import numpy as np

from .cpu_blas import prefer_avx2_mkl

# before the first GEMM (MKL reads the variable then): AVX2 kernels on AMD CPUs, see utils/cpu_blas.py
prefer_avx2_mkl()

# This folder: the defaults of every script's path flags live here, so `cd /tmp && python <folder>/test.py ...`
# finds the configs, the TIPC data and the ./output of an earlier run no matter where it is started.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def in_root(*parts: str) -> str:
    """A path inside this folder (for flag defaults)."""
    return os.path.join(ROOT, *parts)


def show_path(path: str) -> str:
    """`path` relative to the current directory when it lies below it, else absolute (for error messages)."""
    rel = os.path.relpath(os.path.abspath(path))
    return rel if not rel.startswith("..") else os.path.abspath(path)


def input_path(path: str) -> str:
    """A relative path that is not there from the current directory but is in this folder (e.g.
    `--config configs/posec3d_lite.yaml` run from elsewhere) resolves to the folder's file."""
    if not os.path.exists(path) and not os.path.isabs(path) and os.path.exists(in_root(path)):
        return in_root(path)
    return path


class UserError(Exception):
    """A problem the user can fix (bad path, bad file, bad flag): printed as one `error:` line, exit 2."""


def run_main(main: Callable[[], None]) -> None:
    try:
        main()
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


def show_progress() -> bool:
    """tqdm bars only for a person watching: on when stderr is a terminal (a shell, a notebook's `!python` cell,
    which runs in a pty), off when it is a file or pipe (TIPC and CI logs, `> train.log`), where the log lines every
    --log_iters say the same. POSEC3D_PROGRESS=1 / 0 forces them on / off."""
    forced = os.environ.get("POSEC3D_PROGRESS")
    if forced in ("0", "1"):
        return forced == "1"
    return sys.stderr.isatty()


def str2bool(v) -> bool:
    if isinstance(v, bool):
        return v
    if str(v).lower() in ("true", "1", "yes", "y"):
        return True
    if str(v).lower() in ("false", "0", "no", "n"):
        return False
    raise argparse.ArgumentTypeError(f"expected a boolean (True/False), got {v!r}")


def write_json(path: str, obj) -> None:
    """`obj` as json text, written atomically (utils/atomic_io.write_file_atomic, given bytes: its own choice of
    format follows the temporary file name, which never ends in .json)."""
    import json

    from utils.atomic_io import write_file_atomic
    write_file_atomic(path, (json.dumps(obj, indent=1) + "\n").encode("utf-8"))


def check_flag(value, name: str, low: int = 1, fix: str = "") -> None:
    """A numeric flag below `low` (or NaN) is a UserError naming the flag."""
    if value is not None and not value >= low:
        raise UserError(f"{name} {value} is out of range, the command line, pass {name} >= {low}{fix}")


def default_device() -> str:
    import paddle
    return "gpu" if paddle.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0 else "cpu"


def set_device(device: str | None) -> str:
    import paddle
    device = device or default_device()
    if device == "gpu" and not paddle.is_compiled_with_cuda():
        raise UserError("--device gpu but this paddle has no CUDA, the command line, install paddlepaddle-gpu "
                        "or pass --device cpu")
    paddle.set_device(device)
    return device


def set_seed(seed: int) -> None:
    import paddle
    random.seed(seed)
    np.random.seed(seed % 2 ** 32)
    paddle.seed(seed)


def get_logger(save_dir: str | None = None, name: str = "posec3d") -> logging.Logger:
    """Console logger; with save_dir also mirrored into <save_dir>/train.log."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    for h in logger.handlers:  # an earlier run in this process (tests) left its file open
        h.close()
    logger.handlers.clear()
    fmt = logging.Formatter("%(asctime)s %(message)s", "%Y-%m-%d %H:%M:%S")
    handlers = [logging.StreamHandler(sys.stdout)]
    if save_dir:
        os.makedirs(save_dir, exist_ok=True)
        handlers.append(logging.FileHandler(os.path.join(save_dir, "train.log"), encoding="utf-8"))
    for h in handlers:
        h.setFormatter(fmt)
        logger.addHandler(h)
    logger.propagate = False
    return logger
