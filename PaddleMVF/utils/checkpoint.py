"""Checkpoint I/O: weights loading with a key report (fine-tuning or strict), resume state, torch -> Paddle by
name. Directory saves are utils/atomic_io.save_dir_atomic (utils/engine.py save)."""
import json
import os
import re
import warnings
import zipfile
from typing import Callable, Dict, List, Optional, Sequence

import numpy as np
import paddle

from . import ROOT, UserError
from .atomic_io import recover_dir

HEAD_KEYS = ("cls_head.new_fc.weight", "cls_head.new_fc.bias")
# parameters an MVF insertion adds to a plain ResNet (absent from ImageNet weights)
MVF_PARAM = re.compile(r"\.conv1\.(shift_conv|h_conv|w_conv|bn)\.")


# ---------------------------------------------------------------- torch -> paddle (by name)
def convert_torch_state_dict(sd: Dict[str, np.ndarray], mvf_freq: Sequence[int] = (0, 0, 1, 1),
                             report: Callable[[str], None] = print) -> Dict[str, np.ndarray]:
    """MVFNet (``backbone.* / cls_head.*``) or torchvision ResNet (bare names) -> this model's names.

    Linear weights are transposed, running stats renamed, ``num_batches_tracked`` dropped; a plain
    ``layerX.Y.conv1.weight`` becomes ``conv1.net.weight`` in the stages that carry MVF.
    """
    out, skipped = {}, []
    for key, value in sd.items():
        k = key[len("module."):] if key.startswith("module.") else key
        if k.endswith("num_batches_tracked") or k.startswith("cls_head.new_cls."):
            continue
        if not k.startswith(("backbone.", "cls_head.")):
            if k.startswith("fc."):  # torchvision's ImageNet classifier
                skipped.append(key)
                continue
            k = "backbone." + k
        m = re.match(r"backbone\.layer(\d)\.(\d+)\.conv1\.weight$", k)
        if m and mvf_freq[int(m.group(1)) - 1]:
            k = k.replace("conv1.weight", "conv1.net.weight")
        k = k.replace("running_mean", "_mean").replace("running_var", "_variance")
        if not re.match(r"(backbone\.(conv1|bn1|layer\d)|cls_head\.new_fc)\.", k):
            skipped.append(key)
            continue
        if k == "cls_head.new_fc.weight":
            value = value.T
        out[k] = np.ascontiguousarray(value, dtype=np.float32)
    if skipped:
        report(f"warning: {len(skipped)} torch keys not mapped: {', '.join(skipped)}")
    return out


# torch.serialization's legacy (non-zip) format starts with MAGIC_NUMBER 0x1950a86a20f9469cfc6c
# pickled as a long: this is its body after the protocol header
_TORCH_LEGACY_MAGIC = b"\x8a\nl\xfc\x9cF\xf9 j\xa8P\x19"


def sniff_checkpoint(path: str) -> str:
    """What a weights file is, from its first bytes (nothing is unpickled):
    'torch' (torch.save zip with data.pkl, or the legacy pickle), 'damaged zip' (a zip without its
    central directory: a truncated torch.save), 'pickle' (paddle.save), 'npy', 'text' or 'unknown'."""
    with open(path, "rb") as f:
        head = f.read(64)
    if zipfile.is_zipfile(path):
        try:
            names = zipfile.ZipFile(path).namelist()
        except (zipfile.BadZipFile, OSError):
            return "damaged zip"
        return "torch" if any(n == "data.pkl" or n.endswith("/data.pkl") for n in names) else "unknown"
    if head.startswith(b"PK\x03\x04"):
        return "damaged zip"
    if head[:1] == b"\x80" and _TORCH_LEGACY_MAGIC in head:
        return "torch"
    if head.startswith(b"\x93NUMPY"):
        return "npy"
    if head[:1] == b"\x80":
        return "pickle"
    try:
        head.decode("utf-8")
        return "text"
    except UnicodeDecodeError:
        return "unknown"


def convert_command(path: str, num_classes: int = None) -> tuple:
    """(the exact tools/convert_weights.py command for a torch checkpoint, the .pdparams it writes)."""
    stem = path
    for ext in (".pth.tar", ".pth", ".pt", ".tar", ".ckpt"):
        if stem.endswith(ext):
            stem = stem[:-len(ext)]
            break
    dst = stem + ".pdparams"
    cmd = f"python {os.path.join(ROOT, 'tools', 'convert_weights.py')} --src {path} --dst {dst}"
    if num_classes is not None:
        cmd += f" --num_classes {num_classes}"
    return cmd, dst


def read_torch_checkpoint(path: str) -> Dict[str, np.ndarray]:
    """A torch.save file (bare state dict, or wrapped in 'state_dict'/'model') -> numpy arrays.
    A Paddle checkpoint, a .npy, a text or a truncated file is a UserError naming what it is."""
    kind = sniff_checkpoint(path)
    if kind == "pickle":
        try:
            is_paddle = isinstance(paddle.load(path), dict)
        except Exception:  # noqa: BLE001 - any unreadable pickle: reported below
            is_paddle = False
        if is_paddle:
            raise UserError(f"{path} is already a Paddle checkpoint (.pdparams), no conversion needed: "
                            "pass it to --pretrained as it is")
    what = {"npy": "a NumPy .npy array", "text": "a text file", "damaged zip": "a truncated or damaged zip archive",
            "pickle": "a pickle that is neither a torch nor a Paddle checkpoint"}.get(kind)
    import torch  # only needed for .pth files
    try:
        obj = torch.load(path, map_location="cpu", weights_only=False)
    except Exception as e:  # noqa: BLE001 - any torch.load failure means the file is not a checkpoint
        reason = what or f"torch.load failed: {str(e).splitlines()[0] if str(e) else type(e).__name__}"
        raise UserError(f"{path} is not a PyTorch checkpoint ({reason}), pass the .pth that torch.save "
                        "wrote (MVFNet's R50_16x4.pth or torchvision's resnet50.pth); re-download it if truncated") from None
    for wrap in ("state_dict", "model"):
        if isinstance(obj, dict) and isinstance(obj.get(wrap), dict):
            obj = obj[wrap]
    if not isinstance(obj, dict):
        raise UserError(f"{path} holds no state dict, pass a torch checkpoint of MVFNet or torchvision ResNet")
    return {k: v.detach().cpu().numpy() for k, v in obj.items() if hasattr(v, "detach")}


def read_paddle_state(path: str, flag: str, num_classes: Optional[int] = None) -> dict:
    """The state dict of a .pdparams; a missing file, a torch checkpoint (with the exact tools/convert_weights.py
    command), a .npy, text or truncated file is a UserError naming ``flag``."""
    if not os.path.isfile(path):
        raise UserError(f"weights {path} not found, pass {flag} <file.pdparams> (written by train.py or "
                        "tools/convert_weights.py)")
    kind = sniff_checkpoint(path)
    if kind == "torch":
        cmd, dst = convert_command(path, num_classes)
        raise UserError(f"{path} ({flag}) is a PyTorch checkpoint, convert it to Paddle first: {cmd}  "
                        f"then pass {flag} {dst}")
    try:
        sd = paddle.load(path)
    except Exception:  # noqa: BLE001 - paddle.load raises ValueError/UnpicklingError/EOFError on a bad file
        sd = None
    if not isinstance(sd, dict) or not sd:
        what = {"npy": "a NumPy .npy array", "text": "a text file", "damaged zip": "a damaged zip archive"}.get(
            kind, "unreadable by paddle.load (truncated?)")
        raise UserError(f"{path} ({flag}) is not a Paddle checkpoint ({what}), pass a model.pdparams written by "
                        "train.py or tools/convert_weights.py")
    return sd


def head_classes(sd: dict) -> Optional[int]:
    """The class count of a state dict's classifier (None when it has none)."""
    bias = sd.get(HEAD_KEYS[1])
    return int(np.shape(bias)[0]) if bias is not None else None


def load_weights(model: paddle.nn.Layer, path: str, finetune: bool = False, log: Callable[[str], None] = print,
                 flag: str = "--pretrained") -> None:
    """Load a .pdparams (ours, the seed's, or one tools/convert_weights.py wrote) into ``model``; reports
    missing, unexpected and reshaped keys.

    finetune (train.py --pretrained): a classifier with another class count is re-initialised with a warning
    and MVF parameters absent from ImageNet weights keep their init. Otherwise (test/predict/export, the
    weights of a trained model) the checkpoint must fill the model exactly: another class count is a
    UserError naming both counts. Anything else (unexpected keys, other missing or reshaped keys) means another
    model: UserError. A torch checkpoint is a UserError that gives the exact tools/convert_weights.py command.
    """
    num_classes = getattr(getattr(model, "cls_head", None), "num_classes", None)
    sd = read_paddle_state(path, flag, num_classes)
    own = model.state_dict()
    unexpected = sorted(set(sd) - set(own))
    missing = sorted(set(own) - set(sd))
    reshaped = sorted(k for k in set(sd) & set(own) if list(np.shape(sd[k])) != list(own[k].shape))
    head_reshaped = [k for k in reshaped if k in HEAD_KEYS]
    if head_reshaped and not finetune:
        raise UserError(f"{path} ({flag}) is a checkpoint of {head_classes(sd)} classes but model.num_classes is "
                        f"{num_classes} (config data.class_names), pass the config it was trained with (--config) "
                        "or weights of this class count")
    allowed_missing = [k for k in missing if finetune and (k in HEAD_KEYS or MVF_PARAM.search(k))]
    bad_missing = [k for k in missing if k not in allowed_missing]
    bad_reshaped = [k for k in reshaped if k not in HEAD_KEYS]
    if unexpected or bad_missing or bad_reshaped or not set(sd) & set(own):
        raise UserError(f"{path} ({flag}) is a checkpoint of another model (unexpected {len(unexpected)}: "
                        f"{unexpected[:3]}, missing {len(bad_missing)}: {bad_missing[:3]}, reshaped: "
                        f"{bad_reshaped[:3]}), check {flag} and the model section of the config")
    for k in allowed_missing:
        log(f"warning: {k} not in {path}, keeping its initialisation")
    if head_reshaped:
        log(f"warning: the classifier of {path} has {head_classes(sd)} classes, the model {num_classes}: "
            "cls_head.new_fc re-initialised (fine-tuning)")
    with warnings.catch_warnings():  # paddle's per-key "Skip loading for ..." notes: reported above
        warnings.filterwarnings("ignore", message="Skip loading for")
        model.set_state_dict({k: v for k, v in sd.items() if k not in reshaped})
    log(f"loaded {len(sd) - len(reshaped)}/{len(own)} tensors from {path}")


RESUME_FILES = ("model.pdparams", "model.pdopt", "state.json")


def read_resume(resume_dir: str, num_classes: int) -> tuple:
    """(model state, optimizer state, state.json) of `<save_dir>/latest`; a checkpoint a kill left half-swapped
    (latest.old-<pid> / a complete latest.tmp-<pid>) is moved back in place first. Missing or unreadable files
    and another class count are UserErrors."""
    found = recover_dir(resume_dir) if resume_dir else None
    if not found:
        raise UserError(f"--resume {resume_dir} not found, pass <save_dir>/latest of an earlier run")
    missing: List[str] = [f for f in RESUME_FILES if not os.path.isfile(os.path.join(found, f))]
    if missing:
        raise UserError(f"--resume {resume_dir} lacks {', '.join(missing)}, pass <save_dir>/latest (written after "
                        "each epoch by train.py)")
    model_state = read_paddle_state(os.path.join(found, "model.pdparams"), "--resume")
    if head_classes(model_state) != num_classes:
        raise UserError(f"--resume {resume_dir} is a checkpoint of {head_classes(model_state)} classes but "
                        f"model.num_classes is {num_classes}, resume with the config it was trained with")
    try:
        opt_state = paddle.load(os.path.join(found, "model.pdopt"))
        with open(os.path.join(found, "state.json"), encoding="utf-8") as f:
            state = json.load(f)
        keys = ("epoch", "iteration", "best_metric", "lr_scheduler", "numpy_rng", "python_rng")
        if not isinstance(opt_state, dict) or not isinstance(state, dict) or any(k not in state for k in keys):
            raise ValueError("incomplete")
    except Exception:  # noqa: BLE001 - truncated pickle, bad json, missing fields: the same answer
        raise UserError(f"--resume {resume_dir}: model.pdopt or state.json is damaged, resume from another "
                        "checkpoint or start again") from None
    return model_state, opt_state, state
