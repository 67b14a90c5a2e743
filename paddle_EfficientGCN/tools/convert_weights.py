"""Official EfficientGCN torch checkpoint -> .pdparams (names are identical; only BN buffers are renamed).

    python tools/convert_weights.py --src 2001_EfficientGCN-B0_ntu-xsub.pth.tar --dst pretrained/xsub.pdparams
Reads what torch.save wrote: a bare state dict or one wrapped in 'model' (official) / 'state_dict'.
"""
import argparse
import os
import sys
from typing import Dict, Optional, Tuple

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from utils import UserError, run_main  # noqa: E402

RENAMES = {'running_mean': '_mean', 'running_var': '_variance'}


def convert_state_dict(state: Dict[str, np.ndarray], num_classes: Optional[int] = None
                       ) -> Tuple[Dict[str, np.ndarray], list]:
    """Rename BN buffers, drop num_batches_tracked; Linear weights would be transposed but the head is a Conv3d.
    With num_classes set and different from the checkpoint, the classifier is dropped (re-initialised on load).
    Returns (paddle state, skipped keys)."""
    out, skipped = {}, []
    for key, value in state.items():
        leaf = key.rsplit('.', 1)[-1]
        if leaf == 'num_batches_tracked':
            skipped.append(key)
            continue
        if key.startswith('classifier.fc.') and num_classes is not None and value.shape[0] != num_classes:
            skipped.append(key)
            continue
        name = key[:-len(leaf)] + RENAMES.get(leaf, leaf)
        out[name] = np.ascontiguousarray(value, dtype=np.float32)
    return out, skipped


def read_torch_checkpoint(path: str) -> Dict[str, np.ndarray]:
    if not os.path.isfile(path):
        raise UserError(f'checkpoint {path} not found, download the official .pth.tar first')
    import torch
    ckpt = torch.load(path, map_location='cpu', weights_only=False)
    for key in ('model', 'state_dict'):
        if isinstance(ckpt, dict) and isinstance(ckpt.get(key), dict):
            ckpt = ckpt[key]
    if not isinstance(ckpt, dict):
        raise UserError(f'{path} holds no state dict')
    return {k.replace('module.', '', 1) if k.startswith('module.') else k: v.detach().cpu().numpy()
            for k, v in ckpt.items() if hasattr(v, 'detach')}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--src', required=True, help='torch checkpoint (.pth/.pt/.pth.tar)')
    p.add_argument('--dst', required=True, help='output .pdparams')
    p.add_argument('--num_classes', type=int, default=None, help='drop a classifier of another class count')
    args = p.parse_args()
    import paddle
    state, skipped = convert_state_dict(read_torch_checkpoint(args.src), args.num_classes)
    os.makedirs(os.path.dirname(os.path.abspath(args.dst)), exist_ok=True)
    paddle.save({k: paddle.to_tensor(v) for k, v in state.items()}, args.dst)
    print(f'converted {len(state)} tensors to {args.dst}; skipped {len(skipped)}: '
          f'{sorted(set(k.rsplit(".", 1)[-1] for k in skipped)) or "none"}')


if __name__ == '__main__':
    run_main(main)
