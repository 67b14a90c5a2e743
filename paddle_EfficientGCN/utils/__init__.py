"""Small helpers every script uses: user errors, flags, folder-relative paths, device, seeds, logging.

Importing this package imports no paddle; it filters Paddle's import-time "No ccache found" warning (harmless:
it is about compiling custom C++ operators, which nothing here does), so every script that imports utils before
paddle starts quietly. Real warnings are kept.
"""
import argparse
import contextlib
import logging
import os
import random
import sys
import warnings
from typing import Any, Callable, List, Optional

import numpy as np

from .cpu_blas import prefer_avx2_mkl

# before the first GEMM (MKL reads the variable then): AVX2 kernels on AMD CPUs, see utils/cpu_blas.py
prefer_avx2_mkl()

warnings.filterwarnings('ignore', message='No ccache found')

# the model folder (paddle_EfficientGCN/): default paths of every script resolve against it, not the cwd
FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class UserError(Exception):
    """A problem the user can fix (bad path, bad file, bad flag); printed as one `error:` line, exit 2."""


def run_main(main: Callable[..., Any], argv: Optional[List[str]] = None) -> None:
    """Run main(argv); a UserError becomes one `error:` line on stderr and exit status 2 (no traceback)."""
    try:
        main(argv)
    except UserError as e:
        print(f'error: {e}', file=sys.stderr)
        sys.exit(2)


def folder_path(path: Optional[str]) -> Optional[str]:
    """A path of the folder (configs/2001.yaml, ./output, a config's dataset_root, ...) -> absolute, relative
    to the folder."""
    if path is None or os.path.isabs(path):
        return path
    return os.path.normpath(os.path.join(FOLDER, path))


def input_path(path: Optional[str]) -> Optional[str]:
    """A path the user gave for an existing file: relative to the cwd if it exists there, else relative to the
    folder (so `cd /tmp && python .../test.py --config configs/lite.yaml` works); unchanged when neither exists
    (the caller reports it missing)."""
    if path is None or os.path.isabs(path) or os.path.exists(path):
        return path
    alt = folder_path(path)
    return alt if os.path.exists(alt) else path


def script_cmd(script: str) -> str:
    """How to call a script of the folder from the cwd: `tools/convert_weights.py` inside the folder, else the
    absolute path."""
    path = os.path.join(FOLDER, script)
    rel = os.path.relpath(path)
    return rel if not rel.startswith('..') else path


def str2bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if str(v).lower() in ('true', 't', 'yes', '1'):
        return True
    if str(v).lower() in ('false', 'f', 'no', '0'):
        return False
    raise argparse.ArgumentTypeError(f'expected True/False, got {v!r}')


def _int_at_least(v: str, low: int) -> int:
    try:
        value = int(v)
    except ValueError:
        raise argparse.ArgumentTypeError(f'expected an integer >= {low}, got {v!r}')
    if value < low:
        raise argparse.ArgumentTypeError(f'expected an integer >= {low}, got {value}')
    return value


def positive_int(v: str) -> int:
    """argparse type: an integer >= 1 (batch sizes, --index counts)."""
    return _int_at_least(v, 1)


def non_negative_int(v: str) -> int:
    """argparse type: an integer >= 0 (--num_workers, --index)."""
    return _int_at_least(v, 0)


class ArgumentParser(argparse.ArgumentParser):
    """argparse whose errors are one `error:` line and exit status 2, like every other user error."""

    def error(self, message: str) -> None:
        self.exit(2, f'error: {self.prog}: {message}, see --help\n')


def write_json(path: str, obj: Any) -> None:
    """A json file written atomically (temporary name, then rename; the parent directory is created). Serialised
    here: utils/atomic_io.write_file_atomic picks the format from the temporary name, see
    /work/plan/requests/paddle_EfficientGCN.md."""
    import json

    from utils.atomic_io import write_file_atomic
    write_file_atomic(path, json.dumps(obj, indent=1).encode('utf-8'))


@contextlib.contextmanager
def quiet_native(enabled: bool = True, streams: tuple = (1,)):
    """Silence what native code prints straight to the file descriptors (Paddle Inference's oneDNN pass names on
    stdout at the first run, paddle2onnx's and Polygraphy's progress lines) while the block runs. Python's own
    objects are flushed first, C stdio after; exceptions still propagate. No-op when not enabled (--verbose)."""
    if not enabled:
        yield
        return
    import ctypes
    libc = ctypes.CDLL(None)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = [(fd, os.dup(fd)) for fd in streams]
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        for fd, _ in saved:
            os.dup2(devnull, fd)
        yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        libc.fflush(None)
        for fd, copy in saved:
            os.dup2(copy, fd)
            os.close(copy)
        os.close(devnull)


def set_device(device: Optional[str]) -> str:
    import paddle
    has_gpu = paddle.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0
    device = device or ('gpu' if has_gpu else 'cpu')
    if device == 'gpu' and not has_gpu:
        raise UserError('--device gpu asked but paddle sees no GPU, use --device cpu')
    paddle.set_device(device)
    return device


def set_seed(seed: int) -> None:
    import paddle
    random.seed(seed)
    np.random.seed(seed)
    paddle.seed(seed)


def get_logger(save_dir: Optional[str] = None, name: str = 'efficientgcn') -> logging.Logger:
    """Console logger; with save_dir also <save_dir>/train.log (created only once the inputs are validated)."""
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    fmt = logging.Formatter('[%(asctime)s] %(message)s', '%Y/%m/%d %H:%M:%S')
    if not logger.handlers:
        h = logging.StreamHandler(sys.stdout)
        h.setFormatter(fmt)
        logger.addHandler(h)
    if save_dir:
        os.makedirs(save_dir, exist_ok=True)
        path = os.path.abspath(os.path.join(save_dir, 'train.log'))
        for h in [h for h in logger.handlers if isinstance(h, logging.FileHandler)]:
            if h.baseFilename != path:  # an earlier run in this process (tests): stop writing its log
                logger.removeHandler(h)
                h.close()
        if not any(getattr(h, 'baseFilename', None) == path for h in logger.handlers):
            fh = logging.FileHandler(path)
            fh.setFormatter(fmt)
            logger.addHandler(fh)
    return logger
