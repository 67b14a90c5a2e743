"""Small helpers shared by every script: errors, flags, seeding, logging, atomic checkpoints, weight loading."""
import json
import logging
import os
import random
import shutil
import sys
from typing import Callable, Dict, Optional

import numpy as np

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
    """A problem the user can fix (missing file, bad format, wrong checkpoint): printed as one line, exit 2."""


def str2bool(v) -> bool:
    if isinstance(v, bool):
        return v
    if str(v).lower() in ('true', '1', 'yes', 'y', 't'):
        return True
    if str(v).lower() in ('false', '0', 'no', 'n', 'f'):
        return False
    raise UserError(f"'{v}' is not a boolean, command line, use True or False")


def run_main(main: Callable[[], None]) -> None:
    """Run a script's main(); a UserError becomes `error: <message>` on stderr and exit status 2."""
    try:
        main()
    except UserError as e:
        print(f'error: {e}', file=sys.stderr)
        sys.exit(2)


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
        raise UserError('--device gpu asked, but this paddle has no CUDA, pass --device cpu or install paddlepaddle-gpu')
    paddle.set_device(device)
    return device


def get_logger(save_dir: Optional[str] = None, name: str = 'movenet') -> logging.Logger:
    logger = logging.getLogger(name)
    logger.setLevel(logging.INFO)
    logger.propagate = False
    if not logger.handlers:
        h = logging.StreamHandler(sys.stdout)
        h.setFormatter(logging.Formatter('%(message)s'))
        logger.addHandler(h)
    if save_dir:
        os.makedirs(save_dir, exist_ok=True)
        path = os.path.abspath(os.path.join(save_dir, 'train.log'))
        if not any(getattr(h, 'baseFilename', None) == path for h in logger.handlers):
            fh = logging.FileHandler(path)
            fh.setFormatter(logging.Formatter('%(message)s'))
            logger.addHandler(fh)
    return logger


def atomic_save_dir(target: str, files: Dict[str, object]) -> None:
    """Write {name: paddle-state or json-able} into `<target>.tmp-<pid>`, then swap it in by renames, so a kill
    at any moment leaves the previous checkpoint intact."""
    import paddle
    tmp = f'{target}.tmp-{os.getpid()}'
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for name, obj in files.items():
        path = os.path.join(tmp, name)
        if name.endswith('.json'):
            with open(path, 'w') as f:
                json.dump(obj, f)
        else:
            paddle.save(obj, path)
    old = f'{target}.old-{os.getpid()}'
    if os.path.exists(target):
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


from utils.checkpoint import load_weights  # noqa: E402,F401  (needs UserError above)
