"""Helpers shared by every script: errors, flags, config, seeding, device, logging."""
from __future__ import annotations

import argparse
import copy
import logging
import os
import random
import sys
from typing import Callable

import numpy as np
import yaml


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


class UserError(Exception):
    """A problem the user can fix (bad path, bad file, bad flag): printed as one `error:` line, exit 2."""


def run_main(main: Callable[[], None]) -> None:
    try:
        main()
    except UserError as exc:
        print(f"error: {exc}", file=sys.stderr)
        sys.exit(2)


def str2bool(v) -> bool:
    if isinstance(v, bool):
        return v
    if str(v).lower() in ("true", "1", "yes", "y"):
        return True
    if str(v).lower() in ("false", "0", "no", "n"):
        return False
    raise argparse.ArgumentTypeError(f"expected a boolean (True/False), got {v!r}")


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
    np.random.seed(seed)
    paddle.seed(seed)


def load_config(path: str, overrides: dict | None = None) -> dict:
    """Plain yaml with sections model/data/train; `overrides` maps 'section.key' to a value (None = keep).
    A relative path that is not there from the current directory is looked up in this folder
    (`--config configs/posec3d_lite.yaml` works from anywhere)."""
    if not os.path.isfile(path) and not os.path.isabs(path) and os.path.isfile(in_root(path)):
        path = in_root(path)
    if not os.path.isfile(path):
        raise UserError(f"config not found, {path}, pass one of configs/*.yaml with --config")
    with open(path, encoding="utf-8") as f:
        cfg = yaml.safe_load(f)
    cfg = copy.deepcopy(cfg)
    for key, value in (overrides or {}).items():
        if value is not None:
            section, name = key.split(".")
            cfg[section][name] = value
    return cfg


def get_logger(save_dir: str | None = None, name: str = "posec3d") -> logging.Logger:
    """Console logger; with save_dir also mirrored into <save_dir>/train.log."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
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
