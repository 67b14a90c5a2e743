"""Reading and STRICT loading of MoveNet checkpoints.

Two forms of movenet.pytorch's InvertedResidual exist (lib/models/movenet_mobilenetv2.py):
* current (commit 6eb59cd, 2022-08-13): `conv2` is a ModuleList of n separate IRBlocks, keys
  `backbone.features2.conv2.<i>.<layer>.weight` (our MoveNet; e118_valacc0.79805.pth);
* old (f248899 .. 95ec853): ONE `conv2` Sequential applied n times, keys `backbone.features2.conv2.<layer>.weight`,
  also present (never applied) in the n = 0 stage features4.2 (e91_valacc0.79763.pth, mbv2_e105_valacc0.80255.pth,
  and MoveNet.Paddle's e74_valacc0.76914.pth, which kept the old form).
The old form maps exactly onto ours by copying the shared block into each of the n slots (`expand_old_form`).

Loading accepts our .pdparams and MoveNet.Paddle's Paddle `.pth` files; every tensor must match by name and shape.
The only tolerated difference is a head classifier of another joint count, and only when fine-tuning
(`train.py --pretrained`: re-initialised with a warning); test/predict/export and --resume refuse it, naming both
counts. A PyTorch checkpoint is refused with the tools/convert_weights.py command that converts it.

The conversion of movenet.pytorch checkpoints (read_torch_state_dict, convert_state_dict, convert) lives here too;
tools/convert_weights.py is its command line."""
import os
import re
import sys
import zipfile
from typing import Dict, List, Optional, Tuple

import numpy as np

from utils import UserError
from utils.atomic_io import write_file_atomic

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TORCH_LEGACY_MAGIC = b'\x80\x02\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19'  # pickle of torch's legacy magic number
# the old form's shared block: <stage>.conv2.<layer>.<param> (the current form has one more index level)
OLD_CONV2 = re.compile(r'^(?P<stage>backbone\.features\d(?:\.\d+)?)\.conv2\.(?P<rest>\d+\.'
                       r'(?:weight|bias|_mean|_variance|running_mean|running_var|num_batches_tracked))$')
# the 1x1 output convolutions whose out-channels are the joint count (17, 34, 34)
HEAD_CLASSIFIERS = ('header.header_heatmaps.1.', 'header.header_regs.1.', 'header.header_offsets.1.')


def sniff(path: str) -> str:
    """'torch' (a torch.save zip or legacy pickle), 'truncated' (a zip without its directory) or 'other'."""
    with open(path, 'rb') as f:
        head = f.read(len(TORCH_LEGACY_MAGIC))
    if head.startswith(TORCH_LEGACY_MAGIC):
        return 'torch'
    if head.startswith(b'PK\x03\x04'):
        if not zipfile.is_zipfile(path):
            return 'truncated'
        with zipfile.ZipFile(path) as z:
            return 'torch' if any(n.endswith('data.pkl') for n in z.namelist()) else 'other'
    return 'other'


def converter_command(src: str) -> str:
    """The exact command that converts a torch checkpoint, runnable from the current directory."""
    script = os.path.join(ROOT, 'tools', 'convert_weights.py')
    rel = os.path.relpath(script)
    script = rel if not rel.startswith('..') else script
    dst = os.path.splitext(src)[0] + '.pdparams'
    return f'python {script} --src {src} --dst {dst}'


def _to_numpy(v) -> Optional[np.ndarray]:
    if hasattr(v, 'numpy'):
        v = v.numpy()
    return v if isinstance(v, np.ndarray) else None


def read_paddle_state(path: str, flag: str = '--pretrained') -> Dict[str, np.ndarray]:
    """A paddle.save state dict (bare or under 'state_dict') as numpy arrays; refuses anything else."""
    kind = sniff(path)
    if kind == 'torch':
        raise UserError(f'{path} is a PyTorch checkpoint (movenet.pytorch), {flag}, convert it first: '
                        f'{converter_command(path)}')
    if kind == 'truncated':
        raise UserError(f'{path} is a truncated or corrupt archive, {flag}, download or save it again')
    import paddle
    try:
        obj = paddle.load(path)
    except Exception as e:  # paddle raises ValueError/EOFError/UnpicklingError on foreign files
        raise UserError(f'{path} is not a Paddle checkpoint ({type(e).__name__}), {flag}, pass a MoveNet .pdparams '
                        '(or a movenet.pytorch .pth converted with tools/convert_weights.py)')
    if isinstance(obj, dict) and isinstance(obj.get('state_dict'), dict):
        obj = obj['state_dict']
    state = {k: _to_numpy(v) for k, v in obj.items()} if isinstance(obj, dict) else {}
    if not state or any(v is None for v in state.values()):
        raise UserError(f'{path} holds no state dict of tensors, {flag}, pass a MoveNet .pdparams')
    return state


def is_old_form(state: Dict) -> bool:
    return any(OLD_CONV2.match(k) for k in state)


def expand_old_form(state: Dict, own_keys) -> Tuple[Dict, List[str]]:
    """Old form -> current form: the shared `<stage>.conv2.<layer>.<param>` is copied into every slot
    `<stage>.conv2.<i>.<layer>.<param>`, i < n, where n is the stage's slot count in `own_keys` (the old forward
    applied the one block n times, so this reproduces it exactly). A stage with n = 0 (features4.2) never applied
    its block: those keys are returned as `unused`, not copied."""
    slots: Dict[str, set] = {}
    for k in own_keys:
        m = re.match(r'^(backbone\.features\d(?:\.\d+)?)\.conv2\.(\d+)\.', k)
        if m:
            slots.setdefault(m.group(1), set()).add(int(m.group(2)))
    out, unused = {}, []
    for k, v in state.items():
        m = OLD_CONV2.match(k)
        if not m:
            out[k] = v
            continue
        n = sorted(slots.get(m.group('stage'), ()))
        if not n:
            unused.append(k)
        for i in n:
            out[f"{m.group('stage')}.conv2.{i}.{m.group('rest')}"] = v
    return out, unused


def _names(keys: List[str], n: int = 4) -> str:
    return ', '.join(keys[:n]) + (f' (+{len(keys) - n} more)' if len(keys) > n else '')


def match_state(state: Dict[str, np.ndarray], own: Dict, path: str, flag: str = '--pretrained'
                ) -> Tuple[Dict[str, np.ndarray], List[str]]:
    """Strict name/shape check against the model's own state dict -> (tensors to load, re-initialised head keys).
    Raises a one-line UserError on any missing, unexpected or reshaped tensor other than a head classifier."""
    own_shapes = {k: list(v.shape) for k, v in own.items()}
    missing = [k for k in own_shapes if k not in state]
    unexpected = [k for k in state if k not in own_shapes]
    reshaped = [k for k in own_shapes if k in state and list(state[k].shape) != own_shapes[k]]
    heads = [k for k in reshaped if k.startswith(HEAD_CLASSIFIERS)
             and list(state[k].shape)[1:] == own_shapes[k][1:]]
    bad = [k for k in reshaped if k not in heads]
    if missing or unexpected or bad:
        parts = [f'{len(x)} {what} ({_names(x)})' for x, what in ((missing, 'missing'), (unexpected, 'unexpected'),
                                                                 (bad, 'reshaped')) if x]
        fix = ('pass a state dict of movenet.pytorch\'s MobileNetV2 MoveNet (lib/models/movenet_mobilenetv2.py)'
               if flag == '--src' else 'pass MoveNet weights (movenet.pytorch checkpoints: convert them with '
               'tools/convert_weights.py)')
        raise UserError(f'{path} does not match MoveNet: {"; ".join(parts)}, {flag}, {fix}')
    return {k: v for k, v in state.items() if k not in heads}, heads


def head_counts(state: Dict, own: Dict) -> Tuple[object, object]:
    """(joints of the checkpoint's heads, joints of the model)."""
    key = 'header.header_heatmaps.1.bias'
    got = int(state[key].shape[0]) if key in state else '?'
    want = int(own[key].shape[0]) if key in own else '?'
    return got, want


def head_warning(path: str, heads: List[str], state: Dict, own: Dict) -> str:
    got, want = head_counts(state, own)
    return (f'warning: {path} has heads for {got} joints, the model {want}: dropped {", ".join(heads)} '
            '(another joint count), initialised fresh')


def load_weights(model, path: str, logger=None, quiet: bool = False, flag: str = '--pretrained',
                 allow_head_change: bool = False) -> None:
    """Load a MoveNet .pdparams (ours or MoveNet.Paddle's Paddle `.pth`, current or old form) strictly.
    allow_head_change: fine-tuning (train.py --pretrained) re-initialises heads of another joint count with a
    warning; everywhere else they are an error naming both counts."""
    if not path or not os.path.isfile(path):
        raise UserError(f'weights file {path} not found, {flag}, pass an existing MoveNet .pdparams')
    log = (lambda m: None) if quiet else (logger.warning if logger else (lambda m: print(m, file=sys.stderr)))
    state = read_paddle_state(path, flag)
    own = model.state_dict()
    if is_old_form(state):
        state, unused = expand_old_form(state, own)
        log(f'{path}: old-form checkpoint (one conv2 block shared by the n residual blocks of a stage): copied into '
            f'each of the n blocks, exact; {len(unused)} tensors of the n = 0 stage were never used and are skipped')
    to_load, heads = match_state(state, own, path, flag)
    if heads and not allow_head_change:
        got, want = head_counts(state, own)
        raise UserError(f'{path} has heads for {got} joints but the config builds {want} (DATA.num_joints), {flag}, '
                        f'pass weights trained for {want} joints or the config they were trained with')
    if heads:
        log(head_warning(path, heads, state, own))
    dtypes = {k: np.dtype(str(v.dtype).replace('paddle.', '')) for k, v in own.items()}
    to_load = {k: v.astype(dtypes[k], copy=False) for k, v in to_load.items()}
    model.set_state_dict({**to_load, **{k: own[k] for k in heads}})  # re-initialised heads keep their values


# ---- conversion of movenet.pytorch checkpoints (tools/convert_weights.py is the command line)

def read_torch_state_dict(path: str) -> Dict[str, np.ndarray]:
    """What torch.save wrote (.pth/.pt/.pth.tar), bare or wrapped in 'state_dict' / 'model'; `module.` stripped.
    torch is imported only here, to read the file."""
    kind = sniff(path)
    if kind == 'truncated':
        raise UserError(f'{path} is a truncated or corrupt torch archive, --src, download or save it again')
    if kind != 'torch':
        try:  # a Paddle file needs no conversion
            read_paddle_state(path, '--src')
        except UserError:
            raise UserError(f'{path} is not a PyTorch checkpoint (torch.save .pth/.pt/.pth.tar; got a .npy, text '
                            'or truncated file?), --src, pass a movenet.pytorch checkpoint such as '
                            'output/e118_valacc0.79805.pth') from None
        raise UserError(f'{path} is already a Paddle checkpoint, --src, no conversion needed: pass it to '
                        '--pretrained / --model_path as it is')
    try:
        import torch
    except ImportError:
        raise UserError(f'reading {path} needs PyTorch, --src, pip install torch (CPU is enough) and run again')
    try:
        obj = torch.load(path, map_location='cpu', weights_only=True)
    except Exception as e:  # a damaged archive, or pickled objects beyond tensors
        raise UserError(f'cannot read {path} ({type(e).__name__}: {str(e).splitlines()[0][:120]}), --src, '
                        'pass a movenet.pytorch state dict saved with torch.save')
    for key in ('state_dict', 'model'):
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
    if not isinstance(obj, dict):
        raise UserError(f'{path} holds a {type(obj).__name__}, not a state dict, --src, pass a movenet.pytorch '
                        'state dict (torch.save(model.state_dict(), ...))')
    return {k[len('module.'):] if k.startswith('module.') else k: v.detach().cpu().numpy()
            for k, v in obj.items() if hasattr(v, 'detach')}


def convert_state_dict(state: Dict[str, np.ndarray]) -> Tuple[Dict[str, np.ndarray], List[str]]:
    """Rename torch names to Paddle names -> (paddle state dict, keys that are not parameters or BN buffers)."""
    out, dropped = {}, []
    for k, v in state.items():
        if k.endswith('num_batches_tracked'):
            continue
        if k.endswith('running_mean'):
            k = k[:-len('running_mean')] + '_mean'
        elif k.endswith('running_var'):
            k = k[:-len('running_var')] + '_variance'
        elif not k.endswith(('.weight', '.bias')):
            dropped.append(k)
            continue
        out[k] = v.astype(np.float32)
    return out, dropped


def convert(src: str, num_classes: Optional[int] = None, log=print) -> Dict[str, np.ndarray]:
    """movenet.pytorch checkpoint -> the complete state dict of MoveNet(num_classes) (numpy). A checkpoint of
    another joint count keeps everything but its three 1x1 head classifiers (named in a warning, fresh init)."""
    import paddle

    from models import MoveNet
    state, dropped = convert_state_dict(read_torch_state_dict(src))
    if dropped:
        raise UserError(f'{src} holds {len(dropped)} tensors that are not MoveNet parameters ({dropped[:3]}), '
                        '--src, pass a movenet.pytorch MobileNetV2 state dict')
    key = 'header.header_heatmaps.1.bias'
    ckpt_joints = int(state[key].shape[0]) if key in state else 17
    paddle.set_device('cpu')
    own = MoveNet(num_classes or ckpt_joints).state_dict()
    if is_old_form(state):
        state, unused = expand_old_form(state, own)
        log(f'old-form checkpoint (one conv2 block applied n times per stage, movenet.pytorch before 6eb59cd): '
            f'copied into the n blocks of each stage; {len(unused)} tensors of the n = 0 stage features4.2 were '
            f'never applied and are left out ({", ".join(unused[:2])}, ...)')
    to_load, heads = match_state(state, own, src, '--src')
    if heads:
        log(head_warning(src, heads, state, own))
        to_load.update({k: own[k].numpy() for k in heads})
    return {k: to_load[k] for k in own}


def save_converted(state: Dict[str, np.ndarray], dst: str) -> None:
    """The converted state dict as a .pdparams, written atomically."""
    import paddle
    write_file_atomic(dst, {k: paddle.to_tensor(v) for k, v in state.items()})
