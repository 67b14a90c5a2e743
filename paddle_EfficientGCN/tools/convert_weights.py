"""Official EfficientGCN torch checkpoint -> .pdparams (names are identical; only BN buffers are renamed).

    python tools/convert_weights.py --src 2001_EfficientGCN-B0_ntu-xsub.pth.tar --dst pretrained/xsub.pdparams
    python tools/convert_weights.py --src 2001_EfficientGCN-B0_ntu-xsub.pth.tar --dst b0_ft.pdparams --num_classes 10
Reads what torch.save wrote (.pth / .pt / .pth.tar, zip or legacy format): a bare state dict or one wrapped in
'model' (official) / 'state_dict'. Needs torch only for such a file.
"""
import argparse
import os
import sys
from typing import Dict, List, Optional, Tuple

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

from utils import ArgumentParser, UserError, positive_int, run_main
from utils.checkpoint import HEAD, is_torch_checkpoint

RENAMES = {'running_mean': '_mean', 'running_var': '_variance'}
PADDLE_EXTS = ('.pdparams', '.pdopt', '.pdiparams', '.pdmodel', '.json')


def convert_state_dict(state: Dict[str, np.ndarray], num_classes: Optional[int] = None
                       ) -> Tuple[Dict[str, np.ndarray], List[str]]:
    """Rename BN buffers, drop num_batches_tracked; Linear weights would be transposed but the head is a Conv3d.
    With num_classes set and different from the checkpoint's, the classifier (classifier.fc.weight/bias) is
    dropped, so that loading re-initialises it. Returns (paddle state, dropped keys)."""
    out, skipped = {}, []
    for key, value in state.items():
        leaf = key.rsplit('.', 1)[-1]
        if leaf == 'num_batches_tracked':
            skipped.append(key)
            continue
        if key in HEAD and num_classes is not None and value.shape[0] != num_classes:
            skipped.append(key)
            continue
        name = key[:-len(leaf)] + RENAMES.get(leaf, leaf)
        out[name] = np.ascontiguousarray(value, dtype=np.float32)
    return out, skipped


def _looks_like_paddle(path: str) -> bool:
    """A .pdparams-style file: what paddle.save writes (a pickled dict of arrays)."""
    if path.endswith(PADDLE_EXTS):
        return True
    try:
        import paddle
        state = paddle.load(path)
    except Exception:  # noqa: BLE001 - anything paddle cannot read is not a Paddle checkpoint
        return False
    return isinstance(state, dict) and bool(state) and all(hasattr(v, 'shape') for v in state.values())


def read_torch_checkpoint(path: str) -> Dict[str, np.ndarray]:
    """The tensors of a torch checkpoint, `module.` prefixes (DataParallel) removed."""
    if not os.path.isfile(path):
        raise UserError(f'checkpoint {path} not found, --src of convert_weights.py, download the official '
                        '.pth.tar first (see README, Weights)')
    if not is_torch_checkpoint(path):
        if _looks_like_paddle(path):
            raise UserError(f'{path} is already a Paddle checkpoint, --src of convert_weights.py, no conversion '
                            'needed: pass it to --pretrained / --model_path directly')
        raise UserError(f'{path} is not a torch checkpoint (no torch.save zip or legacy header), --src of '
                        'convert_weights.py, pass the .pth/.pth.tar written by torch.save (e.g. the official '
                        '2001_EfficientGCN-B0_ntu-xsub.pth.tar)')
    import torch
    try:
        ckpt = torch.load(path, map_location='cpu', weights_only=False)
    except Exception as e:  # noqa: BLE001 - a truncated or corrupt file
        raise UserError(f'{path} is a damaged torch checkpoint ({type(e).__name__}: {str(e)[:80]}), --src of '
                        'convert_weights.py, download it again')
    for key in ('model', 'state_dict'):
        if isinstance(ckpt, dict) and isinstance(ckpt.get(key), dict):
            ckpt = ckpt[key]
    state = {k[len('module.'):] if k.startswith('module.') else k: v.detach().cpu().numpy()
             for k, v in (ckpt.items() if isinstance(ckpt, dict) else []) if hasattr(v, 'detach')}
    if not state:
        raise UserError(f'{path} holds no tensors (not a model state dict), --src of convert_weights.py, pass '
                        "the checkpoint whose 'model' entry is the EfficientGCN state dict")
    return state


def main(argv: Optional[List[str]] = None) -> None:
    p = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--src', required=True, help='torch checkpoint (.pth/.pt/.pth.tar)')
    p.add_argument('--dst', required=True, help='output .pdparams')
    p.add_argument('--num_classes', type=positive_int, default=None,
                   help='target class count: a classifier of another count is dropped (re-initialised on load)')
    args = p.parse_args(argv)
    src_state = read_torch_checkpoint(args.src)
    state, skipped = convert_state_dict(src_state, args.num_classes)
    import paddle
    os.makedirs(os.path.dirname(os.path.abspath(args.dst)), exist_ok=True)
    paddle.save({k: paddle.to_tensor(v) for k, v in state.items()}, args.dst)
    head = [k for k in skipped if k in HEAD]
    if head:
        shapes = ', '.join(f'{k} {list(src_state[k].shape)}' for k in head)
        print(f'note: dropped {shapes}: the checkpoint has {src_state[head[0]].shape[0]} classes, '
              f'--num_classes {args.num_classes}; the classifier is re-initialised when {args.dst} is loaded')
    n_bn = sum(k.endswith('num_batches_tracked') for k in skipped)
    print(f'converted {len(state)} tensors to {args.dst} ({n_bn} num_batches_tracked dropped'
          f'{", " + str(len(head)) + " head tensors dropped" if head else ""})')


if __name__ == '__main__':
    run_main(main)
