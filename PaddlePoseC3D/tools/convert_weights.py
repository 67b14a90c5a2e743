"""Convert a PoseC3D checkpoint to our Paddle names.

Sources: mmaction2 0.x / 1.x and pyskl torch checkpoints (`state_dict` with `backbone.*`, `cls_head.fc_cls.*`,
bare or wrapped in `state_dict` / `model`), and the seed port's .pdparams (`_conv` / `_batch_norm` names).
    python tools/convert_weights.py --src k400_posec3d-041f49c6.pth --dst res3d_k400.pdparams
"""
from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse  # noqa: E402

import numpy as np  # noqa: E402

from utils import UserError, run_main  # noqa: E402
from utils.checkpoint import rename_seed_keys  # noqa: E402

LINEAR_WEIGHTS = ("cls_head.fc_cls.weight",)


def read_torch(path: str) -> dict:
    """A torch.save'd checkpoint -> {name: numpy array}; torch is needed only here."""
    import torch
    try:
        ckpt = torch.load(path, map_location="cpu", weights_only=True)
    except Exception:  # an mmcv checkpoint whose `meta` holds non-tensor objects
        ckpt = torch.load(path, map_location="cpu", weights_only=False)
    for key in ("state_dict", "model"):
        if isinstance(ckpt, dict) and isinstance(ckpt.get(key), dict):
            ckpt = ckpt[key]
            break
    if not isinstance(ckpt, dict):
        raise UserError(f"no state dict inside, {path}, pass an mmaction2/pyskl checkpoint")
    return {k: v.detach().cpu().numpy() for k, v in ckpt.items() if hasattr(v, "detach")}


def torch_to_paddle(state: dict, num_classes: int | None = None) -> tuple[dict, list[str]]:
    """Rename torch keys to ours; returns (paddle state, keys that could not be mapped)."""
    out, skipped = {}, []
    for key, value in state.items():
        key = key[len("module."):] if key.startswith("module.") else key
        if key.endswith("num_batches_tracked"):
            continue
        if not key.startswith(("backbone.", "cls_head.")):
            skipped.append(key)
            continue
        key = key.replace(".running_mean", "._mean").replace(".running_var", "._variance")
        if key in LINEAR_WEIGHTS:
            value = value.T  # torch Linear [out, in] -> paddle [in, out]
        out[key] = np.ascontiguousarray(value)
    bias = out.get("cls_head.fc_cls.bias")
    if num_classes is not None and bias is not None and bias.shape[0] != num_classes:
        # another label set (K400 -> UCF-101): leave the head to be initialised by the model
        out = {k: v for k, v in out.items() if not k.startswith("cls_head.fc_cls.")}
    return out, skipped


def convert(src: str, dst: str, num_classes: int | None = None) -> list[str]:
    if not os.path.isfile(src):
        raise UserError(f"checkpoint not found, {src}, pass --src <checkpoint .pth/.pdparams>")
    import paddle
    if src.endswith(".pdparams"):
        state, skipped = {k: np.asarray(v) for k, v in rename_seed_keys(paddle.load(src)).items()}, []
        if num_classes is not None and state.get("cls_head.fc_cls.bias", np.zeros(num_classes)).shape[0] != num_classes:
            state = {k: v for k, v in state.items() if not k.startswith("cls_head.")}
    else:
        state, skipped = torch_to_paddle(read_torch(src), num_classes)
    os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
    paddle.save({k: paddle.to_tensor(v) for k, v in state.items()}, dst)
    print(f"converted {len(state)} tensors from {src} to {dst}")
    if skipped:
        print(f"not mapped (ignored): {skipped}")
    return skipped


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--src", required=True, help=".pth/.pt/.pth.tar (mmaction2, pyskl) or seed .pdparams")
    p.add_argument("--dst", required=True, help="output .pdparams")
    p.add_argument("--num_classes", type=int, default=None, help="drop the head if its class count differs")
    a = p.parse_args(argv)
    convert(a.src, a.dst, a.num_classes)


if __name__ == "__main__":
    run_main(main)
