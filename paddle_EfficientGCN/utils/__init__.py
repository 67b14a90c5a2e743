"""Helpers shared by every script: errors, flags, config, seeding, logging, checkpoints, weight loading."""
import json
import logging
import os
import random
import shutil
import sys
from typing import Any, Callable, Dict, List, Optional

import numpy as np
import yaml


class UserError(Exception):
    """A problem the user can fix (bad path, bad file, bad flag); printed as one `error:` line, exit 2."""


def run_main(main: Callable[[], Any]) -> None:
    try:
        main()
    except UserError as e:
        print(f'error: {e}', file=sys.stderr)
        sys.exit(2)


def str2bool(v: Any) -> bool:
    if isinstance(v, bool):
        return v
    if str(v).lower() in ('true', 't', 'yes', '1'):
        return True
    if str(v).lower() in ('false', 'f', 'no', '0'):
        return False
    import argparse
    raise argparse.ArgumentTypeError(f'expected True/False, got {v!r}')


def load_config(path: str) -> Dict[str, Any]:
    if not os.path.isfile(path):
        raise UserError(f'config {path} not found, pass --config configs/<name>.yaml')
    with open(path) as f:
        cfg = yaml.safe_load(f)
    for key in ('model_type', 'num_class', 'data_shape', 'model_args', 'dataset_args', 'train'):
        if key not in cfg:
            raise UserError(f'config {path} has no "{key}" section, start from configs/2001.yaml')
    return cfg


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
        if not any(getattr(h, 'baseFilename', None) == path for h in logger.handlers):
            fh = logging.FileHandler(path)
            fh.setFormatter(fmt)
            logger.addHandler(fh)
    return logger


def atomic_save_dir(target: str, files: Dict[str, Any]) -> None:
    """Write {name: object} into target/ so that a kill at any moment leaves the previous copy intact:
    write a temp dir, move the old dir aside, rename, then delete the old one."""
    import paddle
    tmp = f'{target}.tmp-{os.getpid()}'
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for name, obj in files.items():
        if name.endswith('.json'):
            with open(os.path.join(tmp, name), 'w') as f:
                json.dump(obj, f)
        else:
            paddle.save(obj, os.path.join(tmp, name))
    old = f'{target}.old-{os.getpid()}'
    if os.path.exists(target):
        os.rename(target, old)
    os.rename(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


def read_state_dict(path: str) -> Dict[str, Any]:
    """A .pdparams file, or a checkpoint directory holding model.pdparams."""
    import paddle
    if os.path.isdir(path):
        path = os.path.join(path, 'model.pdparams')
    if not os.path.isfile(path):
        raise UserError(f'weights {path} not found, train first or pass --pretrained <file>.pdparams '
                        '(official .pth.tar: convert with tools/convert_weights.py)')
    try:
        state = paddle.load(path)
    except Exception as e:  # noqa: BLE001 - any unreadable file is the user's to fix
        raise UserError(f'cannot read weights {path} ({type(e).__name__}), pass a .pdparams written by paddle.save')
    if not isinstance(state, dict):
        raise UserError(f'weights {path} hold no state dict, pass a model .pdparams')
    return state.get('model', state) if 'model' in state and isinstance(state['model'], dict) else state


def load_pretrained(model, path: str, logger: Optional[logging.Logger] = None) -> List[str]:
    """Load by name; report every missing/unexpected/reshaped key. A classifier with another class count is
    left at its fresh init with a warning; any other mismatch means a checkpoint of another model."""
    log = (logger.info if logger else print)
    state = dict(read_state_dict(path))
    own = model.state_dict()
    no_edge = [k for k in own if k.endswith('.edge') and k not in state]
    if no_edge and len(no_edge) == sum(k.endswith('.edge') for k in own):
        # the seed Paddle port (xsub/xview.pdparams) kept edge as a constant tensor of ones, outside the state dict
        log(f'warning: {path} has no learnable edge tensors (seed Paddle port); they start at 1')
        state.update({k: np.ones(own[k].shape, dtype='float32') for k in no_edge})
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    reshaped = [k for k in own if k in state and list(state[k].shape) != list(own[k].shape)]
    head_reshaped = [k for k in reshaped if k.startswith('classifier.fc.')]
    bad = missing + unexpected + [k for k in reshaped if k not in head_reshaped]
    if bad:
        raise UserError(f'{path} is a checkpoint of another model ({len(missing)} missing, {len(unexpected)} '
                        f'unexpected, {len(reshaped)} reshaped keys, e.g. {bad[:3]}); check --config / model_type')
    for k in head_reshaped:
        log(f'warning: {k} has shape {list(state[k].shape)} in {path}, model wants {list(own[k].shape)}: '
            'classifier re-initialised')
    model.set_state_dict({k: v for k, v in state.items() if k not in head_reshaped})
    log(f'loaded {path}: {len(own) - len(head_reshaped)}/{len(own)} keys')
    return head_reshaped
