"""Convert an official PoseC3D torch checkpoint to our Paddle names.

Sources: mmaction2 0.x / 1.x and pyskl torch checkpoints (`state_dict` with `backbone.*`, `cls_head.fc_cls.*`,
bare or wrapped in `state_dict` / `model`). A Paddle .pdparams (ours, the seed port's `_conv` / `_batch_norm`
names, PaddleVideo's `head.fc`) needs no conversion: pass it to --pretrained directly.
    python tools/convert_weights.py --src k400_posec3d-041f49c6.pth --dst res3d_k400.pdparams
"""
from __future__ import annotations

import os
import sys
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay
# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse

import numpy as np

from utils import UserError, run_main
from utils.atomic_io import write_file_atomic
from utils.checkpoint import checkpoint_kind

LINEAR_WEIGHTS = ("cls_head.fc_cls.weight",)


def read_torch(path: str) -> dict:
    """A torch.save'd checkpoint -> {name: numpy array}; torch is needed only here."""
    import torch
    try:
        try:
            ckpt = torch.load(path, map_location="cpu", weights_only=True)
        except Exception:  # an mmcv checkpoint whose `meta` holds non-tensor objects
            ckpt = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as exc:  # a damaged file: torch raises RuntimeError, UnpicklingError, EOFError, ...
        reason = str(exc).strip().splitlines()[0][:120] if str(exc).strip() else type(exc).__name__
        raise UserError(f"cannot read the torch checkpoint ({reason}), {path}, download it again "
                        "(it may be truncated)") from None
    for key in ("state_dict", "model"):
        if isinstance(ckpt, dict) and isinstance(ckpt.get(key), dict):
            ckpt = ckpt[key]
            break
    if not isinstance(ckpt, dict):
        raise UserError(f"no state dict inside, {path}, pass an mmaction2/pyskl checkpoint")
    return {k: v.detach().cpu().numpy() for k, v in ckpt.items() if hasattr(v, "detach")}


def torch_to_paddle(state: dict, num_classes: int | None = None) -> tuple[dict, list[str]]:
    """Rename torch keys to ours; returns (paddle state, keys that could not be mapped). With `num_classes`, a
    classifier of another class count is dropped (one line says which tensors and why)."""
    state = {(k[len("module."):] if k.startswith("module.") else k): v for k, v in state.items()}
    bias = state.get("cls_head.fc_cls.bias")
    if num_classes is not None and bias is not None and bias.shape[0] != num_classes:
        # another label set (K400 -> UCF-101): leave the head to be initialised by the model
        head = [k for k in state if k.startswith("cls_head.fc_cls.")]
        print(f"dropped {', '.join(f'{k} {list(state[k].shape)}' for k in head)}: the checkpoint's classifier has "
              f"{bias.shape[0]} classes and --num_classes is {num_classes}; the model initialises a new "
              f"{num_classes}-class head when it loads the converted file")
        state = {k: v for k, v in state.items() if k not in head}
    out, skipped = {}, []
    for key, value in state.items():
        if key.endswith("num_batches_tracked"):
            continue
        if not key.startswith(("backbone.", "cls_head.")):
            skipped.append(key)
            continue
        key = key.replace(".running_mean", "._mean").replace(".running_var", "._variance")
        if key in LINEAR_WEIGHTS:
            value = value.T  # torch Linear [out, in] -> paddle [in, out]
        out[key] = np.ascontiguousarray(value)
    return out, skipped


def convert(src: str, dst: str, num_classes: int | None = None) -> list[str]:
    if not os.path.isfile(src):
        raise UserError(f"checkpoint not found, --src {src}, pass the official .pth (e.g. k400_posec3d-041f49c6.pth)")
    kind = checkpoint_kind(src)
    if kind == "paddle" or (src.endswith(".pdparams") and kind not in ("torch", "torch-truncated")):
        raise UserError(f"{src} is already a Paddle checkpoint, --src, no conversion needed: pass it to "
                        "--pretrained (train.py, test.py, predict.py) or --model_path (export_model.py) directly")
    if kind == "torch-truncated":
        raise UserError(f"the torch checkpoint is truncated (its zip directory is missing), --src {src}, "
                        "download it again")
    if kind != "torch":
        what = {"npy": "a numpy .npy array", "text": "a text file"}.get(kind, "not a file torch.save wrote")
        raise UserError(f"{src} is {what}, not a torch checkpoint, --src, pass the .pth/.pt/.pth.tar of an "
                        "mmaction2/pyskl PoseC3D model")
    import paddle
    state, skipped = torch_to_paddle(read_torch(src), num_classes)
    if not state:
        raise UserError(f"no PoseC3D weights (backbone.*, cls_head.*) among its keys {skipped[:5]}, --src {src}, "
                        "pass an mmaction2/pyskl PoseC3D checkpoint")
    write_file_atomic(dst, {k: paddle.to_tensor(v) for k, v in state.items()})
    print(f"converted {len(state)} tensors from {src} to {dst}")
    if skipped:
        print(f"not mapped (ignored): {skipped}")
    return skipped


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--src", required=True, help=".pth/.pt/.pth.tar (mmaction2, pyskl)")
    p.add_argument("--dst", required=True, help="output .pdparams")
    p.add_argument("--num_classes", type=int, default=None, help="drop the head if its class count differs")
    a = p.parse_args(argv)
    convert(a.src, a.dst, a.num_classes)


if __name__ == "__main__":
    run_main(main)
