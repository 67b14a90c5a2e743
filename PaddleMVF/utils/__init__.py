"""Small helpers shared by every script: errors, flags, seeding, config, logging, device."""
import argparse
import logging
import os
import random
import sys
from typing import Callable

import numpy as np
import yaml

# The PaddleMVF folder. Default paths (flag defaults, and relative paths written in a config file)
# resolve against it, so `cd /tmp && python /path/to/PaddleMVF/test.py` finds configs/, output/ and
# data/; a relative path given on the command line is the user's, relative to the current directory.
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_CONFIG = os.path.join(ROOT, "configs", "mvf_r50_16x4_ucf101.yaml")


def from_root(path):
    """A relative default path -> the same path under the PaddleMVF folder (None/'' unchanged)."""
    if not path or os.path.isabs(path):
        return path
    return os.path.join(ROOT, path)


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


def seed_everything(seed: int) -> None:
    import paddle
    random.seed(seed)
    np.random.seed(seed)
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


def set_device(device: str) -> None:
    import paddle
    if device == "gpu" and not paddle.is_compiled_with_cuda():
        raise UserError("--device gpu asked but this paddle has no CUDA, pass --device cpu")
    paddle.set_device(device)


def load_config(path: str) -> dict:
    """Read a yaml config; its relative data.dataset_root and train.pretrained resolve against the
    PaddleMVF folder (see ``ROOT``)."""
    if not os.path.isfile(path):
        raise UserError(f"config {path} not found, pass --config {os.path.join(ROOT, 'configs')}/<name>.yaml")
    with open(path) as f:
        try:
            cfg = yaml.safe_load(f)
        except yaml.YAMLError as e:
            raise UserError(f"config {path} is not valid yaml ({str(e).splitlines()[0]}), fix the file") from None
    if not isinstance(cfg, dict) or not all(isinstance(cfg.get(k), dict) for k in ("model", "data", "train")):
        raise UserError(f"config {path} lacks the model/data/train sections, start from configs/mvf_r50_16x4_ucf101.yaml")
    cfg["data"]["dataset_root"] = from_root(cfg["data"].get("dataset_root"))
    cfg["train"]["pretrained"] = from_root(cfg["train"].get("pretrained"))
    return cfg


def get_logger(log_file: str = None) -> logging.Logger:
    """Logger printing to stdout and, when given, appending to ``log_file``."""
    logger = logging.getLogger("mvf")
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stdout)
        handler.setFormatter(logging.Formatter("%(message)s"))
        logger.addHandler(handler)
    if log_file:
        os.makedirs(os.path.dirname(os.path.abspath(log_file)), exist_ok=True)
        fh = logging.FileHandler(log_file)
        fh.setFormatter(logging.Formatter("[%(asctime)s] %(message)s", "%Y/%m/%d %H:%M:%S"))
        logger.addHandler(fh)
    return logger


def read_class_names(path: str) -> list:
    """UCF-101 classInd.txt (`<1-based id> <name>` per line) -> names ordered by label."""
    if not os.path.isfile(path):
        raise UserError(f"class index {path} not found, pass the dataset's annotations/classInd.txt")
    pairs = []
    with open(path) as f:
        for n, line in enumerate(f, 1):
            parts = line.split()
            if not parts:
                continue
            if len(parts) != 2 or not parts[0].isdigit():
                raise UserError(f"bad line {n} in {path}: {line.strip()!r}, expected `<id> <ClassName>`")
            pairs.append((int(parts[0]), parts[1]))
    return [name for _, name in sorted(pairs)]
