"""User errors, flag parsing, config loading, seeding and logging."""
import argparse
import logging
import os
import random
import sys
from typing import Any, Callable, Dict, Optional

import numpy as np
import yaml


class UserError(Exception):
    """A mistake the user can fix; scripts print `error: <message>` and exit with status 2."""


# the folder of train.py & co: default paths of flags resolve here, not in the current directory, so
# `cd /tmp && python /path/to/STGCN_fsd10/test.py` finds configs/ and output/ (paths typed by the user
# stay relative to the current directory, as usual)
FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def folder_path(*parts: str) -> str:
    """An absolute path inside this folder (for flag defaults)."""
    return os.path.join(FOLDER, *parts)


# persons per sample M (the input's last axis) when a config does not say: FSD-10 has one skater
# (PaddleVideo stgcn_fsd.yaml INFERENCE.person_nums: 1); NTU files hold two bodies (yysijie
# tools/ntu_gendata.py max_body=2, PaddleVideo data/ntu-rgb-d/seq_transformation.py)
LAYOUT_PERSONS = {"fsd10": 1, "ntu-rgb+d": 2}


def num_person(cfg: Dict[str, Any]) -> int:
    """M of the config: data.num_person, else the layout's (a config should always say)."""
    m = cfg["data"].get("num_person")
    if m is None:
        m = LAYOUT_PERSONS.get(cfg["model"].get("layout", "fsd10"), 1)
    if not isinstance(m, int) or m < 1:
        raise UserError(f"data.num_person must be a positive int, got {m!r}, {cfg.get('_path', 'the config')}, "
                        "set it to the M axis of the data (FSD-10: 1, NTU RGB+D: 2)")
    return m


def str2bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y"):
        return True
    if text in ("false", "0", "no", "n", "none"):
        return False
    raise argparse.ArgumentTypeError(f"expected True or False, got {value!r}")


def run_main(main: Callable[[], Any]) -> None:
    """Run a script's main(); a UserError becomes one `error:` line on stderr and exit status 2."""
    try:
        main()
    except UserError as err:
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


def default_device() -> str:
    import paddle
    if paddle.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0:
        return "gpu"
    return "cpu"


def set_device(device: str) -> None:
    import paddle
    if device == "gpu" and not paddle.is_compiled_with_cuda():
        raise UserError("--device gpu asked, but this paddle build has no CUDA, "
                        "install paddlepaddle-gpu or pass --device cpu")
    paddle.set_device(device)


def exported_model_files(model_dir: str) -> tuple:
    """(model file, params file) of an exported model: model.json (Paddle 3) or model.pdmodel (Paddle 2)."""
    for name in ("model.json", "model.pdmodel"):
        if os.path.isfile(os.path.join(model_dir, name)):
            return os.path.join(model_dir, name), os.path.join(model_dir, "model.pdiparams")
    raise UserError(f"no model.json or model.pdmodel in {model_dir}, run export_model.py first")


def load_config(path: str) -> Dict[str, Any]:
    if not os.path.isfile(path):
        raise UserError(f"config file not found, {path}, pass --config configs/<name>.yaml")
    with open(path, encoding="utf-8") as f:
        cfg = yaml.safe_load(f)
    if not isinstance(cfg, dict):
        raise UserError(f"config is not a yaml mapping, {path}, see configs/stgcn_fsd10.yaml")
    for section in ("model", "data", "train"):
        cfg.setdefault(section, {})
    cfg["_path"] = path  # named in error messages
    return cfg


def seed_everything(seed: int) -> None:
    import paddle
    random.seed(seed)
    np.random.seed(seed)
    paddle.seed(seed)


def get_logger(log_file: Optional[str] = None, name: str = "stgcn") -> logging.Logger:
    """Logger printing plain lines to stdout and, when given, mirroring them into log_file."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    fmt = logging.Formatter("[%(asctime)s] %(message)s", "%Y/%m/%d %H:%M:%S")
    stream = logging.StreamHandler(sys.stdout)
    stream.setFormatter(fmt)
    logger.addHandler(stream)
    if log_file:
        os.makedirs(os.path.dirname(os.path.abspath(log_file)), exist_ok=True)
        handler = logging.FileHandler(log_file, mode="a", encoding="utf-8")
        handler.setFormatter(fmt)
        logger.addHandler(handler)
    return logger
