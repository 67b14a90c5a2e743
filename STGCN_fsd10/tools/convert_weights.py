"""Convert a yysijie/st-gcn (or mmskeleton ST_GCN_18) PyTorch state dict to this folder's Paddle names.

    python tools/convert_weights.py --src st_gcn.ntu-xsub.pt --dst st_gcn_ntu_xsub.pdparams [--num_classes 60]

Mapping (by name): data_bn.* / st_gcn_networks.* / edge_importance.i / A -> backbone.*, fcn.* -> head.fcn.*,
running_mean/running_var -> _mean/_variance, num_batches_tracked dropped. The model has no Linear layers,
so no weight is transposed. torch is imported only here, to read the file.
"""
import argparse
import os
import sys
from typing import Dict, List, Tuple

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

from utils.common import UserError, run_main  # noqa: E402

BACKBONE_PREFIXES = ("data_bn.", "st_gcn_networks.", "edge_importance.")
BN_RENAMES = {"running_mean": "_mean", "running_var": "_variance"}


def read_torch_state(path: str) -> Dict[str, np.ndarray]:
    """A state dict saved by torch.save, bare or wrapped in `state_dict` / `model`, as numpy arrays."""
    if not os.path.isfile(path):
        raise UserError(f"torch checkpoint not found, {path}, pass --src <file.pt|.pth|.pth.tar>")
    import torch
    obj = torch.load(path, map_location="cpu", weights_only=False)
    for key in ("state_dict", "model"):
        if isinstance(obj, dict) and isinstance(obj.get(key), dict):
            obj = obj[key]
    if not isinstance(obj, dict):
        raise UserError(f"{path} holds no state dict, save model.state_dict() with torch.save")
    return {k: v.detach().cpu().numpy() for k, v in obj.items() if hasattr(v, "detach")}


def convert(state: Dict[str, np.ndarray], num_classes: int = None) -> Tuple[Dict[str, np.ndarray], List[str]]:
    """(Paddle state dict, keys that could not be mapped)."""
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
    if num_classes is not None and "head.fcn.weight" in out and out["head.fcn.weight"].shape[0] != num_classes:
        # a head for another class count is left out; loading re-initialises it
        del out["head.fcn.weight"], out["head.fcn.bias"]
    return out, unmapped


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="yysijie st-gcn torch weights -> Paddle .pdparams")
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--num_classes", type=int, default=None, help="drop the classifier if its class count differs")
    return p.parse_args(argv)


def main(argv=None) -> None:
    import paddle
    args = parse_args(argv)
    state, unmapped = convert(read_torch_state(args.src), args.num_classes)
    if not state:
        raise UserError(f"no ST-GCN key found in {args.src} (unmapped: {unmapped[:5]}), is it an st-gcn checkpoint?")
    for key in unmapped:
        print(f"warning: key {key} has no Paddle counterpart, skipped")
    if "head.fcn.weight" not in state:
        print("note: no classifier in the output, it is re-initialised when loaded")
    os.makedirs(os.path.dirname(os.path.abspath(args.dst)), exist_ok=True)
    paddle.save({k: paddle.to_tensor(v) for k, v in state.items()}, args.dst)
    print(f"converted {len(state)} tensors from {args.src} to {args.dst}")


if __name__ == "__main__":
    run_main(main)
