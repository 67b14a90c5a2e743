"""Convert a movenet.pytorch checkpoint to a Paddle .pdparams that MoveNet loads strictly.

    python tools/convert_weights.py --src output/e118_valacc0.79805.pth --dst e118.pdparams
    python tools/convert_weights.py --src output/e91_valacc0.79763.pth --dst e91.pdparams   # old form

Both official forms convert (see utils/checkpoint.py): the current one (conv2 = ModuleList of n blocks, e.g.
e118_valacc0.79805.pth) by name, the old one (one conv2 block applied n times: e91_valacc0.79763.pth,
mbv2_e105_valacc0.80255.pth) by copying the shared block into each of the n slots, which reproduces the old model
exactly; its never-applied block of the n = 0 stage is left out (named in a note). Names are otherwise the same on
both sides: BatchNorm running_mean/var -> _mean/_variance, num_batches_tracked dropped, a `module.` prefix
stripped, no transposes (no Linear layers). --num_classes N builds heads for N joints: a checkpoint of another
joint count keeps everything but its three 1x1 head classifiers, which are named in a warning and initialised
fresh. Any other missing, unexpected or reshaped tensor is an error. torch is imported only to read the file."""
import argparse
import os
import sys
from typing import Dict, List, Optional, Tuple

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from utils import UserError, input_path, run_main  # noqa: E402
from utils.checkpoint import expand_old_form, head_warning, is_old_form, match_state, read_paddle_state, sniff  # noqa: E402


def read_torch_state_dict(path: str) -> Dict[str, np.ndarray]:
    """What torch.save wrote (.pth/.pt/.pth.tar), bare or wrapped in 'state_dict' / 'model'; `module.` stripped."""
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
    """movenet.pytorch checkpoint -> the complete state dict of MoveNet(num_classes) (numpy)."""
    import paddle

    from models import MoveNet
    state, dropped = convert_state_dict(read_torch_state_dict(src))
    if dropped:
        raise UserError(f'{src} holds {len(dropped)} tensors that are not MoveNet parameters ({dropped[:3]}), '
                        '--src, pass a movenet.pytorch MobileNetV2 state dict')
    ckpt_joints = int(state['header.header_heatmaps.1.bias'].shape[0]) if 'header.header_heatmaps.1.bias' in state \
        else 17
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


def main(argv: Optional[List[str]] = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--src', required=True, help='torch checkpoint (.pth/.pt/.pth.tar)')
    parser.add_argument('--dst', required=True, help='output .pdparams')
    parser.add_argument('--num_classes', type=int, default=None,
                        help='joints of the output model (default: those of the checkpoint, 17 for COCO)')
    args = parser.parse_args(argv)
    args.src = input_path(args.src)
    if not os.path.isfile(args.src):
        raise UserError(f'{args.src} not found, --src, pass a movenet.pytorch checkpoint such as '
                        'output/e118_valacc0.79805.pth')
    state = convert(args.src, args.num_classes)
    import paddle
    os.makedirs(os.path.dirname(os.path.abspath(args.dst)), exist_ok=True)
    paddle.save({k: paddle.to_tensor(v) for k, v in state.items()}, args.dst)
    print(f'converted {len(state)} tensors -> {args.dst}')


if __name__ == '__main__':
    run_main(main)
