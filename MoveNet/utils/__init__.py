"""Small helpers shared by every script: errors, flags, paths, seeding, devices, logging.

This package imports none of its submodules (utils.checkpoint, utils.config, utils.engine, ... are imported by
name where they are used), so importing `utils` never pulls in paddle and never forms a cycle."""
import argparse
import functools
import logging
import os
import random
import sys
from typing import Callable, List, Optional

import numpy as np

from .cpu_blas import prefer_avx2_mkl

# before the first GEMM (MKL reads the variable then): AVX2 kernels on AMD CPUs, see utils/cpu_blas.py
prefer_avx2_mkl()

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the MoveNet folder


def from_root(path: Optional[str]) -> Optional[str]:
    """A default (or config-file) path: relative to the MoveNet folder, not to the current directory."""
    return path if not path or os.path.isabs(path) else os.path.normpath(os.path.join(ROOT, path))


def input_path(path: Optional[str]) -> Optional[str]:
    """A path the user typed for an existing input: relative to the current directory, else to the MoveNet folder
    (so `cd /tmp && python /path/to/MoveNet/test.py --config configs/movenet_lite.yaml` works)."""
    if not path or os.path.isabs(path) or os.path.exists(path):
        return path
    alt = from_root(path)
    return alt if os.path.exists(alt) else path


class UserError(Exception):
    """A problem the user can fix (missing file, bad format, wrong checkpoint): printed as one line, exit 2.
    The message reads `<what>, <where>, <how to fix>`."""


def str2bool(v) -> bool:
    if isinstance(v, bool):
        return v
    if str(v).lower() in ('true', '1', 'yes', 'y', 't'):
        return True
    if str(v).lower() in ('false', '0', 'no', 'n', 'f'):
        return False
    raise argparse.ArgumentTypeError(f"'{v}' is not a boolean, use True or False")


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose mistakes (unknown flag, bad value) are one `error:` line and exit status 2, no usage block."""

    def error(self, message: str):
        print(f'error: {message}, command line, see `python {os.path.basename(sys.argv[0])} --help`',
              file=sys.stderr)
        raise SystemExit(2)


def cli(main: Callable) -> Callable:
    """Decorates a script's `main(argv=None)`: a UserError becomes `error: <message>` on stderr and exit status 2.
    Tests call `main([...])` in-process and catch SystemExit."""
    @functools.wraps(main)
    def wrapper(argv: Optional[List[str]] = None):
        try:
            return main(argv)
        except UserError as e:
            print(f'error: {e}', file=sys.stderr)
            raise SystemExit(2) from None
    return wrapper


def seed_everything(seed: int) -> None:
    import paddle
    random.seed(seed)
    np.random.seed(seed)
    paddle.seed(seed)


def rng_state() -> dict:
    """Python and numpy RNG states in JSON-able form (for state.json)."""
    version, mt, gauss = random.getstate()
    name, keys, pos, has_gauss, cached = np.random.get_state()
    return {'python': [version, list(mt), gauss], 'numpy': [name, keys.tolist(), pos, has_gauss, cached]}


def set_rng_state(state: dict) -> None:
    version, mt, gauss = state['python']
    random.setstate((version, tuple(mt), gauss))
    name, keys, pos, has_gauss, cached = state['numpy']
    np.random.set_state((name, np.asarray(keys, dtype=np.uint32), pos, has_gauss, cached))


def default_device() -> str:
    import paddle
    return 'gpu' if paddle.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0 else 'cpu'


def set_device(device: Optional[str]) -> str:
    import paddle
    device = device or default_device()
    if device == 'gpu' and not paddle.is_compiled_with_cuda():
        raise UserError('--device gpu asked, but this paddle has no CUDA, --device, pass cpu or install '
                        'paddlepaddle-gpu')
    paddle.set_device(device)
    return device


class _StdoutHandler(logging.StreamHandler):
    """Writes to whatever sys.stdout is at the time of the message (pytest swaps it between tests)."""

    def __init__(self) -> None:
        super().__init__(sys.stdout)

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stdout
        super().emit(record)


def get_logger(save_dir: Optional[str] = None, name: str = 'movenet') -> logging.Logger:
    """Messages to stdout and, with save_dir, to <save_dir>/train.log (call it only once the inputs are valid)."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if not logger.handlers:
        h = _StdoutHandler()
        h.setFormatter(logging.Formatter('%(message)s'))
        logger.addHandler(h)
    if save_dir:
        os.makedirs(save_dir, exist_ok=True)
        path = os.path.abspath(os.path.join(save_dir, 'train.log'))
        for h in [h for h in logger.handlers if getattr(h, 'baseFilename', None)]:
            if h.baseFilename != path:  # an earlier run in this process (tests) logged elsewhere
                logger.removeHandler(h)
                h.close()
        if not any(getattr(h, 'baseFilename', None) == path for h in logger.handlers):
            fh = logging.FileHandler(path)
            fh.setFormatter(logging.Formatter('%(message)s'))
            logger.addHandler(fh)
    return logger


def write_json(path: str, obj) -> None:
    """A JSON file written atomically (utils/atomic_io.write_file_atomic), serialised here: write_file_atomic picks
    the format from the temporary name, so a mapping given to it would be pickled (see /work/plan/requests)."""
    import json

    from utils.atomic_io import write_file_atomic
    write_file_atomic(path, (json.dumps(obj, indent=1) + '\n').encode('utf-8'))
