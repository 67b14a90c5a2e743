"""The config contract: SCHEMA (what each key may hold), linked-value checks, load/save, the config beside a
checkpoint or an export, and the class names a config selects.

Defaults live in the YAML files only (configs/mvf_r50_16x4_ucf101.yaml, the paper recipe; configs/mvf_r50_lite.yaml
for TIPC and the tests): every key below is in every config, once, and the scripts read nothing else.
Relative paths written in a config file (data.dataset_root, train.pretrained) resolve against this folder when
the file is loaded; paths given by flags are the user's (relative to the current directory). data.class_names
stays relative to this folder (a config.yaml copied beside a checkpoint reads the same file).
"""
import copy
import os
from typing import Any, Dict, List, Optional

import yaml

from utils import ROOT, UserError, from_root, input_path
from utils.config_schema import ConfigError, Field, save_yaml_atomic, set_key, validate

CONFIG_NAME = "config.yaml"  # the resolved config saved beside every checkpoint and in every export directory
DEFAULT_CONFIG = os.path.join(ROOT, "configs", "mvf_r50_16x4_ucf101.yaml")
LIST_TMPL = "ucf101_{mode}_split_{split}_rawframes.txt"  # mmaction2's rawframe list names (tools/build_file_list.py)

_POS = Field(int, low=1)
_FRACTION = Field(float, low=0, high=0.99)
SCHEMA: Dict[str, Any] = {
    "model": {  # MVFNet Recognizer2D(ResNet + MVF, TSNClsHead)
        "depth": Field(int, choices=(50, 101)),
        "num_classes": Field(int, low=2),
        "num_segments": _POS,                       # frames per clip MVF's temporal conv mixes (= data.clip_len)
        "alpha": Field(float, low=0, high=1, low_open=True),  # fraction of channels MVF fuses
        "mvf_freq": Field(list, length=4, item=Field(int, choices=(0, 1))),  # MVF in layer1..layer4
        "mode": Field(str, choices=("THW", "TH", "T")),
        "share": Field(bool),
        "use_hs": Field(bool),
        "dropout": _FRACTION,
        "init_std": Field(float, low=0, low_open=True),  # TSNClsHead new_fc init Normal(0, init_std)
        "fcn_testing": Field(bool),
    },
    "data": {
        "dataset_root": Field(str),                 # list files + rawframes/ (tools/build_file_list.py)
        "split": Field(int, choices=(1, 2, 3)),     # UCF-101's three official splits
        "rawframes": Field(str),                    # frame folder name under dataset_root
        "filename_tmpl": Field(str),                # frame file name, formatted with the 1-based index
        "class_names": Field(str),                  # one name per line, class id = line number - 1
        "clip_len": _POS,
        "frame_interval": _POS,
        "out_of_bound_opt": Field(str, choices=("loop", "clamp")),
        "train_crop": Field(str, choices=("resized_crop", "mvfnet")),
        "short_side": _POS,
        "crop_size": _POS,
        "test_clips": _POS,
        "test_crop": Field(str, choices=("three", "center")),
    },
    "train": {
        "batch_size": _POS,                         # per card
        "max_epochs": _POS,
        "warmup_epochs": Field(int, low=0),
        "learning_rate": Field(float, low=0, low_open=True),
        "momentum": Field(float, low=0, high=1),
        "nesterov": Field(bool),
        "weight_decay": Field(float, low=0),
        "label_smoothing": _FRACTION,
        "clip_norm": Field(float, low=0),           # per-tensor ClipGradByNorm; 0 = off
        "precise_bn_iters": Field(int, low=0),      # 0 = off
        "precise_bn_interval": _POS,
        "eval_interval": _POS,
        "num_workers": Field(int, low=0),
        "pretrained": Field(str, nullable=True),    # null: from scratch
    },
}


def read_class_names(path: str) -> List[str]:
    """The names in a class-names file (relative to this folder unless absolute), one per non-empty line."""
    full = from_root(path)
    if not os.path.isfile(full):
        raise ConfigError(f"data.class_names: {path} not found (relative to {ROOT}), use datasets/labels/"
                          "ucf101.txt, datasets/labels/mini.txt or your own list")
    with open(full, encoding="utf-8") as f:
        names = [line.strip() for line in f if line.strip()]
    if len(set(names)) != len(names):
        raise ConfigError(f"data.class_names: {path} lists a name twice, one name per class")
    return names


def class_names(cfg: Dict[str, Any]) -> List[str]:
    """The config's class names, index = class id."""
    return read_class_names(cfg["data"]["class_names"])


def _check_links(cfg: Dict[str, Any]) -> None:
    """Values that must agree with each other; ConfigError naming both keys."""
    m, d, t = cfg["model"], cfg["data"], cfg["train"]
    if m["num_segments"] != d["clip_len"]:
        raise ConfigError(f"model.num_segments is {m['num_segments']} but data.clip_len is {d['clip_len']}: MVF "
                          "mixes the frames of one clip, set both to the same value")
    if d["crop_size"] > d["short_side"]:
        raise ConfigError(f"data.crop_size {d['crop_size']} is larger than data.short_side {d['short_side']}: the "
                          "centre crop must fit in the resized frame")
    if t["warmup_epochs"] > t["max_epochs"]:
        raise ConfigError(f"train.warmup_epochs {t['warmup_epochs']} exceeds train.max_epochs {t['max_epochs']}")
    try:
        d["filename_tmpl"].format(1)
    except (IndexError, KeyError, ValueError):
        raise ConfigError(f"data.filename_tmpl: {d['filename_tmpl']!r} is not a format string of one index, "
                          "e.g. img_{:05}.jpg") from None
    if d["filename_tmpl"].format(1) == d["filename_tmpl"].format(2):
        raise ConfigError(f"data.filename_tmpl: {d['filename_tmpl']!r} has no {{}} for the frame index, "
                          "e.g. img_{:05}.jpg")
    names = read_class_names(d["class_names"])
    if len(names) != m["num_classes"]:
        raise ConfigError(f"data.class_names: {d['class_names']} lists {len(names)} classes but model.num_classes "
                          f"is {m['num_classes']}")


def load_config(path: Optional[str], overrides: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Read a config, apply `overrides` ('section.key' -> value from flags; None values are ignored) and validate
    it. Every mistake is one UserError naming the file and the key (and the flag that set it)."""
    if not path:
        raise UserError("no config, the command line, pass --config configs/<name>.yaml (or weights whose "
                        f"directory holds the {CONFIG_NAME} that train.py/export_model.py wrote)")
    path = input_path(path)
    if not os.path.isfile(path):
        raise UserError(f"config {path} not found, pass --config {os.path.join(ROOT, 'configs')}/<name>.yaml")
    try:
        with open(path, encoding="utf-8") as f:
            cfg = yaml.safe_load(f)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"config {path} is not valid YAML ({first}), fix the file or start from "
                        "configs/mvf_r50_lite.yaml") from None
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    try:
        if isinstance(cfg, dict):
            cfg = copy.deepcopy(cfg)
            for section, key in (("data", "dataset_root"), ("train", "pretrained")):
                if isinstance(cfg.get(section), dict) and isinstance(cfg[section].get(key), str):
                    cfg[section][key] = from_root(cfg[section][key])  # written in the file: this folder's
            for key, value in given.items():
                set_key(cfg, key, value)
        cfg = validate(cfg, SCHEMA)
        _check_links(cfg)
    except ConfigError as exc:
        flags = [f"--{k.rsplit('.', 1)[-1]} {v}" for k, v in given.items() if k in str(exc)]
        by = f" (set by the flag {flags[0]})" if flags else ""
        raise UserError(f"config {path}: {exc}{by}, fix it (every key with its meaning: "
                        "configs/mvf_r50_16x4_ucf101.yaml)") from None
    return cfg


def save_config(cfg: Dict[str, Any], directory: str) -> str:
    """<directory>/config.yaml, written atomically (a temporary name, then a rename); returns its path."""
    path = os.path.join(directory, CONFIG_NAME)
    save_yaml_atomic(cfg, path)
    return path


def config_beside(path: Optional[str]) -> Optional[str]:
    """The config.yaml in a checkpoint's or an export's directory (`path` a file in it, or the directory)."""
    if not path:
        return None
    directory = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    candidate = os.path.join(directory, CONFIG_NAME)
    return candidate if os.path.isfile(candidate) else None


def resolve_config(config: Optional[str], weights: Optional[str], flag: str) -> str:
    """--config when given (an override), else the config.yaml beside the weights; neither: one error line."""
    if config:
        return config
    if not weights:
        raise UserError(f"no config and no {flag}, the command line, pass {flag} <model.pdparams> (the config.yaml "
                        "beside it is read) or --config configs/<name>.yaml")
    beside = config_beside(weights)
    if beside:
        return beside
    raise UserError(f"no config, {flag} {weights} has no {CONFIG_NAME} beside it, pass --config "
                    "configs/<name>.yaml (the config the weights were trained with)")
