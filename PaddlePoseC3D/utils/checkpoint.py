"""Atomic checkpoints, resume state, and pretrained loading (our names, the seed port's names)."""
from __future__ import annotations

import json
import os
import random
import shutil
import warnings

import numpy as np
import paddle

from utils import UserError, in_root, show_path

HEAD_KEYS = ("cls_head.fc_cls.weight", "cls_head.fc_cls.bias")
# the first pickle opcodes of a legacy (non-zip) torch.save file: protocol 2, then the long int 0x1950a86a20f9469cfc6c
TORCH_LEGACY_MAGIC = b"\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19"


def checkpoint_kind(path: str) -> str:
    """What a weights file is, from its bytes: 'torch' (torch.save zip or legacy pickle), 'torch-truncated' (a zip
    without its central directory), 'paddle' (a paddle.save pickle of arrays), 'npy', 'text' or 'unknown'."""
    import pickle
    import zipfile
    with open(path, "rb") as f:
        head = f.read(64)
    if head.startswith(b"PK\x03\x04"):
        if not zipfile.is_zipfile(path):
            return "torch-truncated"
        with zipfile.ZipFile(path) as z:
            return "torch" if any(n.endswith("data.pkl") for n in z.namelist()) else "unknown"
    if head.startswith(b"\x80\x02") and TORCH_LEGACY_MAGIC in head:
        return "torch"
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if head.startswith(b"\x80"):
        try:
            with open(path, "rb") as f:
                obj = pickle.load(f)
        except Exception:  # a broken pickle of any kind
            return "unknown"
        arrays = {k: v for k, v in obj.items() if k != "StructuredToParameterName@@"} \
            if isinstance(obj, dict) else {}  # paddle.save adds that name map to a state dict
        if arrays and all(isinstance(v, np.ndarray) or hasattr(v, "numpy") for v in arrays.values()):
            return "paddle"
        return "unknown"
    try:
        head.decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "unknown"


def convert_command(path: str) -> str:
    """The exact tools/convert_weights.py command that turns torch checkpoint `path` into a .pdparams."""
    base = path[:-len(".pth.tar")] if path.endswith(".pth.tar") else os.path.splitext(path)[0]
    return f"python {show_path(in_root('tools', 'convert_weights.py'))} --src {path} --dst {base}.pdparams"


def rename_seed_keys(state: dict) -> dict:
    """PaddlePoseC3D (seed) / PaddleVideo ConvBNLayer names -> ours: `_conv` -> `conv`, `_batch_norm` -> `bn`,
    PaddleVideo's `head.fc` -> `cls_head.fc_cls`."""
    out = {}
    for key, value in state.items():
        key = key.replace("._conv.", ".conv.").replace("._batch_norm.", ".bn.")
        if key.startswith("head.fc."):
            key = "cls_head.fc_cls." + key[len("head.fc."):]
        out[key] = value
    return out


def load_pretrained(model: paddle.nn.Layer, path: str, logger=None, flag: str = "--pretrained") -> None:
    """Load a .pdparams by name; report missing/unexpected keys; a head with another class count is
    re-initialised with a warning; any other shape mismatch means another model (UserError). An official torch
    checkpoint is a UserError that names the tools/convert_weights.py command to run."""
    if not os.path.isfile(path):
        raise UserError(f"weights not found, {flag} {path}, pass a .pdparams (tools/convert_weights.py converts .pth)")
    kind = checkpoint_kind(path)
    if kind in ("torch", "torch-truncated"):
        raise UserError(f"{path} is a PyTorch checkpoint, {flag}, convert it to Paddle first: {convert_command(path)}")
    what = {"npy": "a numpy .npy array", "text": "a text file"}.get(kind)
    if what:
        raise UserError(f"{path} is {what}, not model weights, {flag}, pass a .pdparams saved by paddle.save")
    try:
        state = paddle.load(path)
    except Exception as exc:  # paddle raises several types for a non-pdparams file
        raise UserError(f"cannot read weights ({type(exc).__name__}), {flag} {path}, pass a .pdparams file") from None
    if not isinstance(state, dict) or not state:
        raise UserError(f"no state dict in the file, {flag} {path}, pass model weights saved by paddle.save")
    state = rename_seed_keys(state)
    own = model.state_dict()
    reinit = []
    for key in list(state):
        if key in own and list(state[key].shape) != list(own[key].shape):
            if key in HEAD_KEYS:
                reinit.append(f"{key} {list(state[key].shape)} -> {list(own[key].shape)}")
                state[key] = own[key]  # keep this model's freshly initialised head
            else:
                raise UserError(f"{key} has shape {list(state[key].shape)}, expected {list(own[key].shape)}, "
                                f"{path} is a checkpoint of another model; check model.depth/stage_blocks/base_channels")
    missing = [k for k in own if k not in state]
    unexpected = [k for k in state if k not in own]
    if len(missing) > len(own) // 2:
        raise UserError(f"{len(missing)} of {len(own)} weights missing, {path} is a checkpoint of another model, "
                        "convert it with tools/convert_weights.py")
    model.set_state_dict({k: v for k, v in state.items() if k in own})
    say = logger.info if logger else print
    if reinit:
        warnings.warn(f"the classifier of {path} has another class count than the model "
                      f"({int(own[HEAD_KEYS[1]].shape[0])} classes): {', '.join(reinit)} re-initialised, "
                      "the rest loaded")
    if missing:
        say(f"missing keys (kept at init): {missing}")
    if unexpected:
        say(f"unexpected keys (ignored): {unexpected}")
    say(f"loaded {len(state) - len(unexpected) - len(reinit)} tensors from {path}")


def _atomic_dir(target: str, write) -> None:
    """write(tmp_dir) then swap it in: a kill at any moment leaves the old `target` (or its .old copy) intact."""
    tmp = f"{target}.tmp-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    write(tmp)
    old = f"{target}.old-{os.getpid()}"
    if os.path.exists(target):
        os.replace(target, old)
    os.replace(tmp, target)
    shutil.rmtree(old, ignore_errors=True)


def save_best(model: paddle.nn.Layer, save_dir: str) -> None:
    _atomic_dir(os.path.join(save_dir, "best_model"),
                lambda d: paddle.save(model.state_dict(), os.path.join(d, "model.pdparams")))


def save_latest(model, optimizer, state: dict, save_dir: str) -> None:
    def write(d):
        paddle.save(model.state_dict(), os.path.join(d, "model.pdparams"))
        paddle.save(optimizer.state_dict(), os.path.join(d, "model.pdopt"))
        with open(os.path.join(d, "state.json"), "w", encoding="utf-8") as f:
            json.dump(state, f)
    _atomic_dir(os.path.join(save_dir, "latest"), write)


def rng_state() -> dict:
    np_state = np.random.get_state()
    return {"numpy": [np_state[0], np_state[1].tolist(), *np_state[2:]], "python": _to_list(random.getstate())}


def set_rng_state(state: dict) -> None:
    s = state["numpy"]
    np.random.set_state((s[0], np.array(s[1], dtype=np.uint32), *s[2:]))
    random.setstate(_to_tuple(state["python"]))


def _to_list(x):
    return [_to_list(v) for v in x] if isinstance(x, (tuple, list)) else x


def _to_tuple(x):
    return tuple(_to_tuple(v) for v in x) if isinstance(x, (tuple, list)) else x


def load_resume(model, optimizer, resume_dir: str) -> dict:
    files = [os.path.join(resume_dir, n) for n in ("model.pdparams", "model.pdopt", "state.json")]
    for f in files:
        if not os.path.isfile(f):
            raise UserError(f"resume file missing, {f}, pass --resume <save_dir>/latest of an earlier run")
    model.set_state_dict(paddle.load(files[0]))
    optimizer.set_state_dict(paddle.load(files[1]))
    with open(files[2], encoding="utf-8") as f:
        state = json.load(f)
    set_rng_state(state["rng"])
    return state
