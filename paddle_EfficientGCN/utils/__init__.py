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
    """A default path of the folder (configs/2001.yaml, ./output, ...) -> absolute, relative to the folder."""
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
    import argparse
    raise argparse.ArgumentTypeError(f'expected True/False, got {v!r}')


def load_config(path: str) -> Dict[str, Any]:
    """Read a yaml config. Relative data paths inside it (dataset_args.dataset_root, raw_dirs, out_root) are
    relative to the model folder, like the official ./data/... paths relative to the repository root."""
    path = input_path(path)
    if not os.path.isfile(path):
        raise UserError(f'config {path} not found, pass --config configs/<name>.yaml (relative to the cwd or '
                        f'to {FOLDER})')
    with open(path) as f:
        try:
            cfg = yaml.safe_load(f)
        except yaml.YAMLError as e:
            raise UserError(f'config {path} is not valid yaml ({type(e).__name__}), fix the file')
    if not isinstance(cfg, dict):
        raise UserError(f'config {path} holds no mapping, start from configs/2001.yaml')
    for key in ('model_type', 'num_class', 'data_shape', 'model_args', 'dataset_args', 'train'):
        if key not in cfg:
            raise UserError(f'config {path} has no "{key}" section, start from configs/2001.yaml')
    d = cfg['dataset_args']
    for key in ('dataset_root', 'out_root'):
        if isinstance(d.get(key), str):
            d[key] = folder_path(d[key])
    if isinstance(d.get('raw_dirs'), list):
        d['raw_dirs'] = [folder_path(p) for p in d['raw_dirs']]
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


TORCH_LEGACY_MAGIC = b'\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19'  # pickled magic number of torch.save's legacy format


def is_torch_checkpoint(path: str) -> bool:
    """What torch.save writes: a zip archive holding <name>/data.pkl (torch >= 1.6) or the legacy pickle that
    starts with torch's magic number. paddle.save writes a plain pickle (never a zip)."""
    import zipfile
    with open(path, 'rb') as f:
        head = f.read(len(TORCH_LEGACY_MAGIC))
    if head == TORCH_LEGACY_MAGIC:
        return True
    if head[:4] != b'PK\x03\x04':
        return False
    try:
        with zipfile.ZipFile(path) as z:
            return any(n.endswith('data.pkl') for n in z.namelist())
    except zipfile.BadZipFile:  # a truncated torch zip is still a torch file
        return True


def convert_command(path: str) -> str:
    """The exact command that turns the torch checkpoint `path` into a .pdparams beside it."""
    base = os.path.basename(path)
    for ext in ('.pth.tar', '.pth', '.pt', '.tar', '.ckpt', '.bin'):
        if base.endswith(ext):
            base = base[:-len(ext)]
            break
    dst = os.path.join(os.path.dirname(path), base + '.pdparams')
    return f'python {script_cmd("tools/convert_weights.py")} --src {path} --dst {dst}'


def read_state_dict(path: str) -> Dict[str, Any]:
    """A .pdparams file, or a checkpoint directory holding model.pdparams."""
    import paddle
    if os.path.isdir(path):
        path = os.path.join(path, 'model.pdparams')
    if not os.path.isfile(path):
        raise UserError(f'weights {path} not found, train first or pass --pretrained <file>.pdparams '
                        f'(an official .pth.tar: convert it with {script_cmd("tools/convert_weights.py")})')
    if is_torch_checkpoint(path):
        dst = convert_command(path).rsplit(' ', 1)[-1]
        raise UserError(f'{path} is a PyTorch checkpoint (torch.save), not Paddle weights, convert it first with '
                        f'`{convert_command(path)}` and pass {dst}')
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
    if head_reshaped:
        n_ckpt = list(state['classifier.fc.weight'].shape)[0] if 'classifier.fc.weight' in state else '?'
        shapes = ', '.join(f'{k} {list(state[k].shape)}' for k in head_reshaped)
        log(f'warning: head tensors not loaded from {path}: {shapes}: the checkpoint has {n_ckpt} classes, the '
            f'model num_class={list(own["classifier.fc.weight"].shape)[0]}; the classifier keeps its fresh init '
            '(fine-tuning), everything else is loaded')
    model.set_state_dict({k: (own[k] if k in head_reshaped else v) for k, v in state.items()})
    log(f'loaded {path}: {len(own) - len(head_reshaped)}/{len(own)} keys')
    return head_reshaped
