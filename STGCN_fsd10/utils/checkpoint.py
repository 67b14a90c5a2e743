"""Checkpoints: reading them (Paddle files; torch ones are named with the converter command) and loading weights
with a report. Writing is utils/atomic_io.py."""
import json
import os
import warnings
from typing import Any, Dict, Optional

import numpy as np
import paddle

from utils.common import UserError, folder_path

HEAD_KEYS = ("head.fcn.weight", "head.fcn.bias")
# the first pickle of torch's legacy (< 1.6) format is this magic number (torch/serialization.py
# MAGIC_NUMBER = 0x1950a86a20f9469cfc6c); yysijie's released st_gcn.*.pt files are in that format
TORCH_LEGACY_MAGIC = b"\x80\x02\x8a\x0a\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19"
ZIP_MAGIC = b"PK\x03\x04"  # torch >= 1.6 saves a zip archive (also np.savez: told apart by its entries)
NUMPY_MAGIC = b"\x93NUMPY"


def sniff_file(path: str) -> str:
    """'torch', 'numpy' or 'other' from a file's first bytes (and a zip's entry names), without torch."""
    with open(path, "rb") as f:
        head = f.read(16)
    if head.startswith(TORCH_LEGACY_MAGIC):
        return "torch"
    if head.startswith(NUMPY_MAGIC):
        return "numpy"
    if head.startswith(ZIP_MAGIC):
        import zipfile
        try:
            with zipfile.ZipFile(path) as z:
                names = z.namelist()
        except zipfile.BadZipFile:
            return "torch"  # a truncated torch zip: torch.load names the damage
        if any(n.endswith(".npy") for n in names) and not any(n.endswith("data.pkl") for n in names):
            return "numpy"
        return "torch"
    return "other"


def convert_command(path: str) -> str:
    """The exact command that turns a torch checkpoint into a .pdparams beside it."""
    import shlex
    dst = os.path.splitext(path)[0] + ".pdparams"
    script = folder_path("tools", "convert_weights.py")
    return f"python {shlex.quote(script)} --src {shlex.quote(path)} --dst {shlex.quote(dst)}"


def load_state_dict(path: str) -> Dict[str, Any]:
    if not os.path.isfile(path):
        raise UserError(f"checkpoint not found, {path}, pass the path of a model.pdparams")
    if sniff_file(path) == "torch":
        raise UserError(f"{path} is a PyTorch checkpoint (torch.save), not a Paddle one, convert it first: "
                        f"{convert_command(path)}")
    if os.path.getsize(path) == 0:
        raise UserError(f"checkpoint {path} is empty (0 bytes), pass a complete model.pdparams")
    try:
        state = paddle.load(path)
    except Exception as err:  # paddle raises many types on a corrupt, truncated or foreign file
        raise UserError(f"cannot read checkpoint {path} ({type(err).__name__}), it is truncated or not written by "
                        "paddle.save: pass a complete .pdparams (convert torch files with tools/convert_weights.py)") \
            from None
    if not isinstance(state, dict):
        raise UserError(f"checkpoint {path} holds no state dict, pass a model.pdparams (if it is a torch "
                        f"checkpoint, convert it: {convert_command(path)})")
    if any(k.startswith(("st_gcn_networks.", "data_bn.")) for k in state):  # yysijie names, not converted
        raise UserError(f"{path} has yysijie/st-gcn's torch parameter names (st_gcn_networks.*), not this "
                        f"model's (backbone.*), convert it: {convert_command(path)}")
    return state


def checkpoint_classes(state: Dict[str, Any]) -> Optional[int]:
    """The class count of a checkpoint's classifier (head.fcn.weight [classes, C, 1, 1]), None without one."""
    return int(np.shape(state["head.fcn.weight"])[0]) if "head.fcn.weight" in state else None


def load_pretrained(model: paddle.nn.Layer, path: str, logger=None, new_head_ok: bool = False) -> None:
    """Load weights by name, reporting every missing, unexpected or reshaped key.

    new_head_ok (train.py --pretrained, fine-tuning): a classifier that is missing or has another class count
    is re-initialised with a warning. Otherwise (test, predict, export, --resume) a classifier of another class
    count is an error naming both counts. The graph buffer A must match (another joint layout or strategy is
    refused); any other mismatch is a UserError.
    """
    say = logger.warning if logger else print
    info = logger.info if logger else print
    state = load_state_dict(path)
    own = model.state_dict()
    theirs, mine = checkpoint_classes(state), int(own["head.fcn.weight"].shape[0])
    if theirs is not None and theirs != mine and not new_head_ok:
        raise UserError(f"checkpoint {path} has {theirs} classes but the config's model.num_classes is {mine}, "
                        f"use the checkpoint's own config (its config.yaml, or drop --config) or one with "
                        f"num_classes: {theirs}")
    tolerated = HEAD_KEYS if new_head_ok else ()
    missing = [k for k in own if k not in state and k != "backbone.A" and k not in tolerated]
    unexpected = [k for k in state if k not in own]
    reshaped = [k for k in own if k in state and list(np.shape(state[k])) != list(own[k].shape)]
    if missing or unexpected or [k for k in reshaped if k not in tolerated]:
        raise UserError(f"checkpoint of another model, {path}: missing {missing[:5]}, unexpected "
                        f"{unexpected[:5]}, reshaped {reshaped[:5]}; pass an ST-GCN checkpoint with the same "
                        "model.in_channels/layout/blocks (convert yysijie torch weights with tools/convert_weights.py)")
    if "backbone.A" in state and not np.allclose(np.asarray(state["backbone.A"]), own["backbone.A"].numpy(), atol=1e-6):
        raise UserError(f"checkpoint {path} was trained on another skeleton graph (buffer A differs), "
                        "set model.layout/strategy to the checkpoint's (fsd10 or ntu-rgb+d)")
    if reshaped:
        shapes = ", ".join(f"{k} {list(np.shape(state[k]))}" for k in reshaped)
        say(f"warning: dropped {shapes} from {path}: the checkpoint's classifier has {theirs} classes, "
            f"model.num_classes is {mine}; the head is re-initialised (fine-tuning)")
        for key in reshaped:
            state.pop(key)
    absent = [k for k in HEAD_KEYS if k not in state and k not in reshaped]
    if absent:
        say(f"warning: {' and '.join(absent)} not in {path}: re-initialised")
    if "backbone.A" not in state:
        say("backbone.A missing in the checkpoint: using the graph built from the config")
    with warnings.catch_warnings():  # the dropped head and a missing A are reported above, in one line each
        warnings.filterwarnings("ignore", message="Skip loading for head.fcn")
        warnings.filterwarnings("ignore", message="Skip loading for backbone.A")
        model.set_state_dict(state)
    info(f"loaded pretrained weights from {path} ({len([k for k in own if k in state])} of {len(own)} tensors)")


def read_json(path: str) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)
