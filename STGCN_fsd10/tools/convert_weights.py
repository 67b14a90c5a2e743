"""Convert a yysijie/st-gcn (or mmskeleton ST_GCN_18) PyTorch state dict to this folder's Paddle names.

    python tools/convert_weights.py --src st_gcn.ntu-xsub.pt --dst st_gcn_ntu_xsub.pdparams [--num_classes 60]

Mapping (by name): data_bn.* / st_gcn_networks.* / edge_importance.i / A -> backbone.*, fcn.* -> head.fcn.*,
running_mean/running_var -> _mean/_variance, num_batches_tracked dropped. The model has no Linear layers,
so no weight is transposed. torch is imported only here, to read the file.
"""
import argparse
import os
import sys
import warnings
from typing import Dict, List, Tuple

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
warnings.filterwarnings("ignore", message="No ccache found")  # Paddle's import-time note (issue 17)

import numpy as np

from utils.checkpoint import sniff_file
from utils.common import UserError, run_main

BACKBONE_PREFIXES = ("data_bn.", "st_gcn_networks.", "edge_importance.")
BN_RENAMES = {"running_mean": "_mean", "running_var": "_variance"}


def read_torch_state(path: str) -> Dict[str, np.ndarray]:
    """A state dict saved by torch.save, bare or wrapped in `state_dict` / `model`, as numpy arrays."""
    if not os.path.isfile(path):
        raise UserError(f"torch checkpoint not found, {path}, pass --src <file.pt|.pth|.pth.tar>")
    kind = sniff_file(path)
    if kind == "numpy":
        raise UserError(f"{path} is a numpy file, not a torch checkpoint, pass --src the .pt/.pth written by "
                        "torch.save (e.g. st_gcn.ntu-xsub.pt)")
    if kind == "other" and is_paddle_checkpoint(path):
        raise UserError(f"{path} is already a Paddle checkpoint, no conversion needed, pass it to --pretrained "
                        "(train.py/test.py/predict.py) or --model_path (export_model.py) as it is")
    import torch
    try:
        obj = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as err:  # torch raises many types on a foreign or damaged file
        reason = str(err).strip().splitlines()[0][:80] if str(err).strip() else ""
        raise UserError(f"cannot read {path} as a torch checkpoint ({type(err).__name__}: {reason}), it is not "
                        "a file written by torch.save or it is truncated, download it again") from err
    for key in ("state_dict", "model"):
        if isinstance(obj, dict) and isinstance(obj.get(key), dict):
            obj = obj[key]
    if not isinstance(obj, dict):
        raise UserError(f"{path} holds no state dict, save model.state_dict() with torch.save")
    return {k: v.detach().cpu().numpy() for k, v in obj.items() if hasattr(v, "detach")}


def is_paddle_checkpoint(path: str) -> bool:
    """True for a dict saved by paddle.save (.pdparams / .pdopt)."""
    try:
        import paddle
        return isinstance(paddle.load(path), dict)
    except Exception:  # not a Paddle file
        return False


def convert(state: Dict[str, np.ndarray], num_classes: int = None) -> Tuple[Dict[str, np.ndarray], List[str]]:
    """(Paddle state dict, keys that could not be mapped); see drop_other_head for num_classes."""
    out, unmapped = {}, []
    for key, value in state.items():
        key = key[len("module."):] if key.startswith("module.") else key  # DataParallel prefix
        if key.endswith("num_batches_tracked"):
            continue
        parts = key.split(".")
        parts[-1] = BN_RENAMES.get(parts[-1], parts[-1])
        name = ".".join(parts)
        if name == "A" or name.startswith(BACKBONE_PREFIXES):
            out["backbone." + name] = value
        elif name.startswith("fcn."):
            out["head." + name] = value
        else:
            unmapped.append(key)
    drop_other_head(out, num_classes)
    return out, unmapped


def drop_other_head(out: Dict[str, np.ndarray], num_classes: int = None) -> str:
    """Remove a classifier of another class count from `out`; return the one-line note saying so ('' if kept)."""
    if num_classes is None or "head.fcn.weight" not in out or out["head.fcn.weight"].shape[0] == num_classes:
        return ""
    found = out["head.fcn.weight"].shape[0]
    dropped = [f"{k} {list(out.pop(k).shape)}" for k in ("head.fcn.weight", "head.fcn.bias") if k in out]
    return (f"note: dropped {' and '.join(dropped)}: the checkpoint's classifier has {found} classes, "
            f"--num_classes is {num_classes}; train.py --pretrained re-initialises the head")


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="yysijie st-gcn torch weights -> Paddle .pdparams")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--num_classes", type=int, default=None, help="drop the classifier if its class count differs")
    return p.parse_args(argv)


def main(argv=None) -> None:
    import paddle
    args = parse_args(argv)
    state, unmapped = convert(read_torch_state(args.src))
    note = drop_other_head(state, args.num_classes)
    if not state:
        raise UserError(f"no ST-GCN key found in {args.src} (unmapped: {unmapped[:5]}), is it an st-gcn checkpoint?")
    for key in unmapped:
        print(f"warning: key {key} has no Paddle counterpart, skipped")
    if note:
        print(note)
    elif "head.fcn.weight" not in state:
        print("note: no classifier in the output, it is re-initialised when loaded")
    os.makedirs(os.path.dirname(os.path.abspath(args.dst)), exist_ok=True)
    paddle.save({k: paddle.to_tensor(v) for k, v in state.items()}, args.dst)
    print(f"converted {len(state)} tensors from {args.src} to {args.dst}")


if __name__ == "__main__":
    run_main(main)
