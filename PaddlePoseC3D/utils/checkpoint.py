"""Reading weights (our names, the seed port's, PaddleVideo's), pretrained loading, the resume state; writing
checkpoints is utils/engine.save over utils/atomic_io."""
from __future__ import annotations

import json
import os
import random
import warnings

import numpy as np
import paddle

from utils import UserError, in_root, show_path
from utils.atomic_io import recover_dir

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


def read_weights(path: str, flag: str) -> dict:
    """A Paddle state dict from `path` (seed-port names renamed), or a UserError naming the flag: missing file,
    an official torch checkpoint (with the tools/convert_weights.py command), a .npy/text file, a truncated or
    foreign file."""
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
    except Exception as exc:  # paddle raises several types for a truncated or non-pdparams file
        raise UserError(f"cannot read weights ({type(exc).__name__}), {flag} {path}, pass a complete .pdparams "
                        "(a truncated copy cannot be read)") from None
    if not isinstance(state, dict) or not state:
        raise UserError(f"no state dict in the file, {flag} {path}, pass model weights saved by paddle.save")
    return rename_seed_keys(state)


def num_classes_of(state: dict) -> int | None:
    """The class count of a state dict's classifier (None when it has none)."""
    bias = state.get(HEAD_KEYS[1])
    return int(bias.shape[0]) if bias is not None else None


def load_pretrained(model: paddle.nn.Layer, path: str, flag: str = "--pretrained", finetune: bool = False) -> list[str]:
    """Load a .pdparams by name and return what to report (missing/unexpected keys, the tensor count). A head of
    another class count is re-initialised with a warning when `finetune` (train.py --pretrained) and a UserError
    naming both counts otherwise (test/predict/export: the predictions would come from a random head). Any other
    shape mismatch means another model (UserError)."""
    state = read_weights(path, flag)
    own = model.state_dict()
    ours, theirs = int(own[HEAD_KEYS[1]].shape[0]), num_classes_of(state)
    if theirs is not None and theirs != ours and not finetune:
        raise UserError(f"{path} has a {theirs}-class classifier but the config has model.num_classes {ours}, "
                        f"{flag}, pass the config the weights were trained with (the {theirs}-class config.yaml "
                        "beside them) or weights of this config")
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
    if reinit:
        warnings.warn(f"the classifier of {path} has {theirs} classes, the model {ours}: {', '.join(reinit)} "
                      "re-initialised for fine-tuning, the rest loaded")
    notes = []
    if missing:
        notes.append(f"missing keys (kept at init): {missing}")
    if unexpected:
        notes.append(f"unexpected keys (ignored): {unexpected}")
    notes.append(f"loaded {len(state) - len(unexpected) - len(reinit)} tensors from {path}")
    return notes


RESUME_FILES = ("model.pdparams", "model.pdopt", "state.json")
_SEP = "|"  # <structured parameter name>|<accumulator suffix> in a saved optimizer state


def optimizer_state_by_structure(model: paddle.nn.Layer, opt_state: dict) -> dict:
    """The optimizer's state dict with every accumulator keyed by the structured parameter name
    ('backbone.conv1.conv.weight|velocity_0') instead of Paddle's generated one ('conv3d_473.w_0_velocity_0'),
    whose number depends on how many layers the process built before: a resume in another process (or after
    another model) then finds its accumulators."""
    generated = sorted(((p.name, n) for n, p in model.named_parameters()), key=lambda x: -len(x[0]))
    out = {}
    for key, value in opt_state.items():
        match = next(((g, n) for g, n in generated if key.startswith(g + "_")), None)
        out[f"{match[1]}{_SEP}{key[len(match[0]) + 1:]}" if match else key] = value
    return out


def optimizer_state_for(model: paddle.nn.Layer, saved: dict) -> dict:
    """optimizer_state_by_structure undone for this model's generated parameter names."""
    generated = {n: p.name for n, p in model.named_parameters()}
    out = {}
    for key, value in saved.items():
        name, sep, suffix = key.partition(_SEP)
        if sep and name not in generated:
            raise UserError(f"the optimizer state names parameter {name} that this model does not have, --resume, "
                            "resume with the config of that run (config.yaml beside it)")
        out[f"{generated[name]}_{suffix}" if sep else key] = value
    return out


def read_resume(resume_dir: str, num_classes: int) -> tuple[dict, dict, dict]:
    """(model state, optimizer state, state.json) of `<save_dir>/latest`; a checkpoint that a kill left between
    its two renames (latest.old-<pid> / a complete latest.tmp-<pid>) is put back first (utils/atomic_io). Every
    problem is a UserError: missing/truncated files, another class count."""
    resume_dir = resume_dir.rstrip("/")
    found = recover_dir(resume_dir) if os.path.basename(resume_dir) else None
    if found is None:
        raise UserError(f"resume directory not found, --resume {resume_dir}, pass <save_dir>/latest of an earlier run")
    paths = [os.path.join(resume_dir, n) for n in RESUME_FILES]
    for f in paths:
        if not os.path.isfile(f):
            raise UserError(f"resume file missing, {f}, pass --resume <save_dir>/latest of an earlier run")
    model_state = read_weights(paths[0], "--resume")
    theirs = num_classes_of(model_state)
    if theirs is not None and theirs != num_classes:
        raise UserError(f"{paths[0]} has a {theirs}-class classifier but the config has model.num_classes "
                        f"{num_classes}, --resume, resume with the config of that run (config.yaml beside it)")
    try:
        opt_state = paddle.load(paths[1])
        with open(paths[2], encoding="utf-8") as f:
            state = json.load(f)
    except Exception as exc:  # a truncated/foreign optimizer file or state.json
        raise UserError(f"cannot read the resume state ({type(exc).__name__}), --resume {resume_dir}, pass a "
                        "complete <save_dir>/latest (or start without --resume)") from None
    keys = ("epoch", "iteration", "best_metric", "scheduler", "rng")
    if not isinstance(opt_state, dict) or not isinstance(state, dict) or any(k not in state for k in keys):
        raise UserError(f"the resume state is not one train.py wrote, --resume {resume_dir}, pass <save_dir>/latest")
    return model_state, opt_state, state


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
