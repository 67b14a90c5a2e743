"""Checkpoints: atomic directory writes, resume state, and loading pretrained weights with a report."""
import json
import os
import shutil
import warnings
from typing import Any, Dict

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


def save_dir_atomic(dst: str, files: Dict[str, Any]) -> None:
    """Write files into `<dst>.tmp-<pid>`, then swap it in, so a kill never leaves a half checkpoint.

    files maps a name to a state dict (saved with paddle.save) or, for `*.json`, a plain dict.
    """
    tmp = f"{dst}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for name, obj in files.items():
        if name.endswith(".json"):
            with open(os.path.join(tmp, name), "w", encoding="utf-8") as f:
                json.dump(obj, f, indent=1)
        else:
            paddle.save(obj, os.path.join(tmp, name))
    old = f"{dst}.old-{os.getpid()}"
    if os.path.exists(dst):
        os.replace(dst, old)
    os.replace(tmp, dst)
    shutil.rmtree(old, ignore_errors=True)


def load_state_dict(path: str) -> Dict[str, Any]:
    if not os.path.isfile(path):
        raise UserError(f"checkpoint not found, {path}, pass the path of a model.pdparams")
    if sniff_file(path) == "torch":
        raise UserError(f"{path} is a PyTorch checkpoint (torch.save), not a Paddle one, convert it first: "
                        f"{convert_command(path)}")
    try:
        state = paddle.load(path)
    except Exception as err:  # paddle raises many types on a corrupt or foreign file
        raise UserError(f"cannot read checkpoint {path} ({type(err).__name__}), pass a .pdparams written by "
                        "paddle.save (convert torch files with tools/convert_weights.py)") from err
    if not isinstance(state, dict):
        raise UserError(f"checkpoint {path} holds no state dict, pass a model.pdparams (if it is a torch "
                        f"checkpoint, convert it: {convert_command(path)})")
    if any(k.startswith(("st_gcn_networks.", "data_bn.")) for k in state):  # yysijie names, not converted
        raise UserError(f"{path} has yysijie/st-gcn's torch parameter names (st_gcn_networks.*), not this "
                        f"model's (backbone.*), convert it: {convert_command(path)}")
    return state


def load_pretrained(model: paddle.nn.Layer, path: str, logger=None, new_head_ok: bool = False) -> None:
    """Load weights by name, reporting every missing, unexpected or reshaped key.

    With new_head_ok (fine-tuning), a classifier head that is missing or has another class count is
    re-initialised with a warning. The graph buffer A must match (another joint layout or strategy is
    refused); any other mismatch is a UserError.
    """
    say = logger.warning if logger else print
    info = logger.info if logger else print
    state = load_state_dict(path)
    own = model.state_dict()
    tolerated = HEAD_KEYS if new_head_ok else ()
    missing = [k for k in own if k not in state and k != "backbone.A" and k not in tolerated]
    unexpected = [k for k in state if k not in own]
    reshaped = [k for k in own if k in state and list(np.shape(state[k])) != list(own[k].shape)]
    if missing or unexpected or [k for k in reshaped if k not in tolerated]:
        raise UserError(f"checkpoint of another model, {path}: missing {missing[:5]}, unexpected "
                        f"{unexpected[:5]}, reshaped {reshaped[:5]}; pass an ST-GCN checkpoint with the same "
                        "model.in_channels/layout (convert yysijie torch weights with tools/convert_weights.py)")
    if "backbone.A" in state and not np.allclose(np.asarray(state["backbone.A"]), own["backbone.A"].numpy(), atol=1e-6):
        raise UserError(f"checkpoint {path} was trained on another skeleton graph (buffer A differs), "
                        "set model.layout/strategy to the checkpoint's (fsd10 or ntu-rgb+d)")
    if reshaped:
        shapes = ", ".join(f"{k} {list(np.shape(state[k]))}" for k in reshaped)
        say(f"warning: dropped {shapes} from {path}: the checkpoint's classifier has "
            f"{np.shape(state['head.fcn.weight'])[0] if 'head.fcn.weight' in reshaped else '?'} classes, "
            f"model.num_classes is {own['head.fcn.weight'].shape[0]}; the head is re-initialised (fine-tuning)")
        for key in reshaped:
            state.pop(key)
    absent = [k for k in HEAD_KEYS if k not in state and k not in reshaped]
    if absent:
        say(f"warning: {' and '.join(absent)} not in {path}: re-initialised")
    if "backbone.A" not in state:
        say("backbone.A missing in the checkpoint: using the graph built from the config")
    with warnings.catch_warnings():  # the dropped head is reported above, in one line
        warnings.filterwarnings("ignore", message="Skip loading for head.fcn")
        model.set_state_dict(state)
    info(f"loaded pretrained weights from {path} ({len([k for k in own if k in state])} of {len(own)} tensors)")


def read_json(path: str) -> Dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)
