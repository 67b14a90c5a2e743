"""Convert a movenet.pytorch checkpoint (e.g. output/e118_valacc0.79805.pth) to a Paddle .pdparams.

    python tools/convert_weights.py --src e118_valacc0.79805.pth --dst movenet.pdparams

Names are the same on both sides; only BatchNorm buffers are renamed (running_mean -> _mean,
running_var -> _variance) and num_batches_tracked dropped. There are no Linear layers, so nothing is transposed.
torch is imported only to read the file."""
import argparse
import os
import sys
from typing import Dict, List, Tuple

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def read_torch_state_dict(path: str) -> Dict[str, np.ndarray]:
    import torch
    obj = torch.load(path, map_location='cpu', weights_only=False)
    for key in ('state_dict', 'model'):
        if isinstance(obj, dict) and key in obj and isinstance(obj[key], dict):
            obj = obj[key]
    return {k[len('module.'):] if k.startswith('module.') else k: v.detach().cpu().numpy()
            for k, v in obj.items() if hasattr(v, 'detach')}


def convert_state_dict(state: Dict[str, np.ndarray]) -> Tuple[Dict[str, np.ndarray], List[str]]:
    """-> (paddle state dict, keys that could not be mapped)."""
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


def main() -> None:
    from utils import UserError
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--src', required=True, help='torch checkpoint (.pth/.pt/.pth.tar)')
    parser.add_argument('--dst', required=True, help='output .pdparams')
    args = parser.parse_args()
    if not os.path.isfile(args.src):
        raise UserError(f'{args.src} not found, --src, pass a movenet.pytorch checkpoint')
    import paddle
    from models import MoveNet
    state, dropped = convert_state_dict(read_torch_state_dict(args.src))
    own = MoveNet().state_dict()
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    if dropped or unexpected:
        print(f'could not map {len(dropped) + len(unexpected)} keys: {(dropped + unexpected)[:10]}')
    if missing:
        raise UserError(f'{args.src} lacks {len(missing)} MoveNet keys (first: {missing[:3]}), --src, '
                        'pass a movenet.pytorch MobileNetV2 checkpoint')
    os.makedirs(os.path.dirname(os.path.abspath(args.dst)), exist_ok=True)
    paddle.save({k: paddle.to_tensor(v) for k, v in state.items() if k in own}, args.dst)
    print(f'converted {len(own)} tensors -> {args.dst}')


if __name__ == '__main__':
    from utils import run_main
    run_main(main)
