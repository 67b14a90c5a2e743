"""User errors, paths, flag parsing, devices, seeding and logging (no paddle import at module level, so
infer.py can silence Paddle's logs before paddle is imported)."""
import argparse
import contextlib
import logging
import os
import random
import sys
from typing import Any, Callable, Optional

import numpy as np


class UserError(Exception):
    """A mistake the user can fix; scripts print `error: <message>` and exit with status 2."""


# the folder of train.py & co: default paths of flags resolve here, not in the current directory, so
# `cd /tmp && python /path/to/STGCN_fsd10/test.py` finds configs/ and output/ (paths typed by the user
# stay relative to the current directory, as usual)
FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def folder_path(*parts: str) -> str:
    """An absolute path inside this folder (for flag defaults and the paths inside configs)."""
    return os.path.join(FOLDER, *parts)


def str2bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "1", "yes", "y"):
        return True
    if text in ("false", "0", "no", "n", "none"):
        return False
    raise argparse.ArgumentTypeError(f"expected True or False, got {value!r}")


def positive_int(value: str) -> int:
    """argparse type of counts (--batch_size, --cpu_threads, ...): an int >= 1."""
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value!r}") from None
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {number}")
    return number


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a bad flag as a UserError (one `error:` line, exit 2, from run_main)."""

    def error(self, message: str) -> None:
        raise UserError(f"{message}, {self.prog}, see `python {self.prog} --help`")


def run_main(main: Callable[[], Any]) -> None:
    """Run a script's main(); a UserError becomes one `error:` line on stderr and exit status 2."""
    try:
        main()
    except UserError as err:
        sys.stdout.flush()
        print(f"error: {err}", file=sys.stderr)
        sys.exit(2)


@contextlib.contextmanager
def quiet_stdout(enabled: bool):
    """File descriptor 1 goes to /dev/null meanwhile: Paddle Inference's oneDNN passes print their names
    (ReduceMeanCheckIfOneDNNSupport) on the C++ stdout during run(), past glog, and paddle2onnx's optimiser its
    progress (issue 17). Exceptions still propagate."""
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


def default_device() -> str:
    import paddle
    if paddle.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0:
        return "gpu"
    return "cpu"


def set_device(device: Optional[str]) -> str:
    """paddle.set_device(device or the default); returns the device used."""
    import paddle
    device = device or default_device()
    if device == "gpu" and not paddle.is_compiled_with_cuda():
        raise UserError("--device gpu asked, but this paddle build has no CUDA, "
                        "install paddlepaddle-gpu or pass --device cpu")
    paddle.set_device(device)
    return device


def exported_model_files(model_dir: str) -> tuple:
    """(model file, params file) of an exported model: model.json (Paddle 3) or model.pdmodel (Paddle 2)."""
    for name in ("model.json", "model.pdmodel"):
        if os.path.isfile(os.path.join(model_dir, name)):
            return os.path.join(model_dir, name), os.path.join(model_dir, "model.pdiparams")
    raise UserError(f"no model.json or model.pdmodel in {model_dir}, run export_model.py first")


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
