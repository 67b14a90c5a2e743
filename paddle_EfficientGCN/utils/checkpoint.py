"""Reading weights: Paddle .pdparams (or a checkpoint directory), the refusal of torch checkpoints with the exact
conversion command, and loading by name with one line per kind of mismatch."""
import logging
import os
from typing import Any, Dict, List, Optional

import numpy as np

from utils import UserError, script_cmd

TORCH_LEGACY_MAGIC = b'\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19'  # pickled magic number of torch.save's legacy format
HEAD = ('classifier.fc.weight', 'classifier.fc.bias')


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


def weights_file(path: str) -> str:
    """A .pdparams file, or model.pdparams inside a checkpoint directory (latest/, best_model/)."""
    return os.path.join(path, 'model.pdparams') if os.path.isdir(path) else path


def read_state_dict(path: str, flag: str = '--pretrained') -> Dict[str, Any]:
    """The state dict of a .pdparams file or a checkpoint directory; every unusable file is one UserError."""
    import paddle
    path = weights_file(path)
    if not os.path.isfile(path):
        raise UserError(f'weights {path} not found ({flag}), train first or pass {flag} <file>.pdparams '
                        f'(an official .pth.tar: convert it with {script_cmd("tools/convert_weights.py")})')
    if is_torch_checkpoint(path):
        dst = convert_command(path).rsplit(' ', 1)[-1]
        raise UserError(f'{path} is a PyTorch checkpoint (torch.save), not Paddle weights ({flag}), convert it '
                        f'first with `{convert_command(path)}` and pass {dst}')
    try:
        state = paddle.load(path)
    except Exception as e:  # any unreadable file (truncated, not a pickle) is the user's to fix
        raise UserError(f'cannot read weights {path} ({flag}: {type(e).__name__}), pass a complete .pdparams '
                        'written by paddle.save (a truncated file: copy or train it again)')
    if not isinstance(state, dict):
        raise UserError(f'weights {path} hold no state dict ({flag}), pass a model .pdparams')
    return state.get('model', state) if 'model' in state and isinstance(state['model'], dict) else state


def checkpoint_classes(state: Dict[str, Any]) -> Optional[int]:
    """The class count of a state dict (rows of classifier.fc.weight), None without a classifier."""
    w = state.get('classifier.fc.weight')
    return int(w.shape[0]) if w is not None else None


def load_pretrained(model, path: str, logger: Optional[logging.Logger] = None, flag: str = '--pretrained',
                    fine_tune: bool = False) -> List[str]:
    """Load by name; report every missing/unexpected/reshaped key.

    A classifier of another class count: with fine_tune (train.py --pretrained) it keeps its fresh init with one
    warning line; otherwise (test/predict/export/resume) it is an error naming both counts. Any other mismatch
    means a checkpoint of another model. Returns the head tensors left at their init."""
    log = (logger.info if logger else print)
    state = dict(read_state_dict(path, flag))
    own = model.state_dict()
    no_edge = [k for k in own if k.endswith('.edge') and k not in state]
    if no_edge and len(no_edge) == sum(k.endswith('.edge') for k in own):
        # the seed Paddle port (xsub/xview.pdparams) kept edge as a constant tensor of ones, outside the state dict
        log(f'warning: {path} has no learnable edge tensors (seed Paddle port); they start at 1')
        state.update({k: np.ones(own[k].shape, dtype='float32') for k in no_edge})
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    reshaped = [k for k in own if k in state and list(state[k].shape) != list(own[k].shape)]
    head_reshaped = [k for k in reshaped if k in HEAD]
    bad = missing + unexpected + [k for k in reshaped if k not in head_reshaped]
    if bad:
        raise UserError(f'{path} is a checkpoint of another model ({len(missing)} missing, {len(unexpected)} '
                        f'unexpected, {len(reshaped)} reshaped keys, e.g. {bad[:3]}), {flag}: check --config / '
                        'model_type')
    if head_reshaped:
        n_ckpt, n_model = checkpoint_classes(state) or '?', checkpoint_classes(own)
        if not fine_tune:
            raise UserError(f'{path} has {n_ckpt} classes but the config has num_class {n_model} ({flag}), pass '
                            f'the config the checkpoint was trained with or a {n_model}-class checkpoint')
        shapes = ', '.join(f'{k} {list(state[k].shape)}' for k in head_reshaped)
        log(f'warning: head tensors not loaded from {path}: {shapes}: the checkpoint has {n_ckpt} classes, the '
            f'model num_class={n_model}; the classifier keeps its fresh init (fine-tuning), everything else is '
            'loaded')
    model.set_state_dict({k: (own[k] if k in head_reshaped else v) for k, v in state.items()})
    log(f'loaded {path}: {len(own) - len(head_reshaped)}/{len(own)} keys')
    return head_reshaped
