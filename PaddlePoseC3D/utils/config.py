"""The config contract: SCHEMA (what each key may hold), linked-value checks, load/save, the config beside a
checkpoint or an export, and the class names a config selects.

Defaults live in the YAML files only (configs/posec3d_r50_ucf101_split1.yaml, the paper recipe;
configs/posec3d_r50_ntu60_xsub_limb.yaml; configs/posec3d_lite.yaml for TIPC and the tests): every key below is in
every config, once, and the scripts read nothing else. `data.class_names` is relative to this folder (a copy of the
config saved beside a checkpoint reads the same file).
"""
from __future__ import annotations

import copy
import os
from typing import Any, Dict, List, Optional

import yaml

from utils import ROOT, UserError, in_root, input_path, show_path
from utils.config_schema import ConfigError, Field, save_yaml_atomic, set_key, validate

CONFIG_NAME = "config.yaml"  # the resolved config saved beside every checkpoint and in every export directory
NUM_JOINTS = 17  # COCO-17 keypoints (HRNet), the layout of every PoseC3D 2D-pose pkl

_POS = Field(int, low=1)
_JOINT = Field(int, low=0, high=NUM_JOINTS - 1)
_STAGES = Field(list, min_length=1, item=_POS)
SCHEMA: Dict[str, Any] = {
    "model": {  # mmaction2 0.x Recognizer3D(ResNet3dSlowOnly, I3DHead)
        "depth": Field(int, choices=(50, 101, 152)),
        "stage_blocks": Field(list, nullable=True, min_length=1, item=_POS),  # null: the depth's (3, 4, 6)
        "in_channels": _POS,                      # 17 keypoint heatmaps (or the limb count)
        "base_channels": _POS,
        "conv1_kernel": Field(list, length=3, item=_POS),
        "spatial_strides": _STAGES,               # one entry per stage (num_stages = their count)
        "temporal_strides": _STAGES,
        "inflate": Field(list, min_length=1, item=Field(int, choices=(0, 1))),
        "num_classes": Field(int, low=2),
        "dropout": Field(float, low=0, high=0.99),
        "init_std": Field(float, low=0, low_open=True),  # I3DHead fc init Normal(0, init_std)
        "fc_lr_mult": Field(float, low=0),
    },
    "data": {
        "class_names": Field(str),                # text file, one name per line, class id = line number - 1
        "train_split": Field(str),                # keys of the pkl's 'split' dict
        "test_split": Field(str),
        "clip_len": _POS,
        "resize_short": _POS,
        "train_size": _POS,
        "test_size": _POS,
        "test_clips": _POS,
        "test_double": Field(bool),
        "sigma": Field(float, low=0, low_open=True),
        "with_kp": Field(bool),
        "with_limb": Field(bool),
        "left_kp": Field(list, item=_JOINT),
        "right_kp": Field(list, item=_JOINT),
        "skeletons": Field(list, min_length=1, item=Field(list, length=2, item=_JOINT)),
        "left_limb": Field(list, item=Field(int, low=0)),
        "right_limb": Field(list, item=Field(int, low=0)),
        "repeat": _POS,                           # RepeatDataset times (training only)
    },
    "train": {
        "base_lr": Field(float, low=0, low_open=True),   # for a total batch of base_batch, scaled linearly
        "base_batch": _POS,
        "learning_rate": Field(float, low=0, low_open=True, nullable=True),  # absolute; null: scaled base_lr
        "batch_size": _POS,                       # per card
        "max_epochs": _POS,
        "lr_policy": Field(str, choices=("step", "cosine")),
        "milestones": Field(list, item=_POS),     # epochs of the x0.1 steps (lr_policy step)
        "momentum": Field(float, low=0, high=1),
        "weight_decay": Field(float, low=0),
        "clip_norm": Field(float, low=0, low_open=True),
        "clip_mode": Field(str, choices=("global", "per_tensor")),
        "label_smoothing": Field(float, low=0, high=0.99),
        "precise_bn_iters": Field(int, low=0),
        "eval_interval": _POS,
        "test_batch_size": _POS,
    },
}


def _check_links(cfg: Dict[str, Any], where: str) -> None:
    """Values that must agree with each other; ConfigError naming the keys."""
    m, d, t = cfg["model"], cfg["data"], cfg["train"]
    stages = {k: len(m[k]) for k in ("spatial_strides", "temporal_strides", "inflate")}
    if m["stage_blocks"] is not None:
        stages["stage_blocks"] = len(m["stage_blocks"])
    if len(set(stages.values())) != 1 or max(stages.values()) > 4:
        raise ConfigError(f"model.{'/'.join(stages)}: one entry per stage (1 to 4 stages), got lengths "
                          f"{list(stages.values())}")
    if not (d["with_kp"] or d["with_limb"]):
        raise ConfigError("data.with_kp and data.with_limb are both false: no heatmap to draw, set one true")
    channels = NUM_JOINTS * d["with_kp"] + len(d["skeletons"]) * d["with_limb"]
    if m["in_channels"] != channels:
        raise ConfigError(f"model.in_channels: {m['in_channels']} but the data section draws {channels} heatmaps "
                          f"({NUM_JOINTS} keypoints if data.with_kp, + {len(d['skeletons'])} limbs of "
                          "data.skeletons if data.with_limb)")
    if t["lr_policy"] == "cosine" and t["milestones"]:
        raise ConfigError(f"train.milestones: {t['milestones']} with train.lr_policy cosine (it has no steps), "
                          "set milestones: []")
    if t["milestones"] != sorted(set(t["milestones"])):
        raise ConfigError(f"train.milestones: {t['milestones']} must be increasing epochs")
    for key in ("left_limb", "right_limb"):
        if any(i >= len(d["skeletons"]) for i in d[key]):
            raise ConfigError(f"data.{key}: {d[key]} names a limb beyond the {len(d['skeletons'])} of data.skeletons")
    names = read_class_names(d["class_names"])
    if len(names) != m["num_classes"]:
        raise ConfigError(f"data.class_names: {d['class_names']} lists {len(names)} classes but model.num_classes "
                          f"is {m['num_classes']}")
    from datasets.transforms import flip_settings  # the flip/limb lists must pair up (a one-line UserError)
    flip_settings(d, NUM_JOINTS, where=f"config {where}")


def read_class_names(path: str) -> List[str]:
    """The names in a class-names file (relative to this folder unless absolute), one per non-empty line."""
    full = path if os.path.isabs(path) else in_root(path)
    if not os.path.isfile(full):
        raise ConfigError(f"data.class_names: {path} not found (relative to {ROOT}), use datasets/labels/"
                          "ucf101.txt, ntu60.txt, mini.txt or your own list")
    with open(full, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip()]


def class_names(cfg: Dict[str, Any]) -> List[str]:
    """The config's class names, index = class id."""
    return read_class_names(cfg["data"]["class_names"])


def load_config(path: Optional[str], overrides: Optional[Dict[str, Any]] = None,
                flags: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """Read a config, apply `overrides` ('section.key' -> value from flags; None values are ignored) and
    validate it. Every mistake is one UserError naming the file and the key (and the flag that set it: `flags`
    maps a key to its flag when the names differ, e.g. 'train.test_batch_size' -> '--batch_size')."""
    if not path:
        raise UserError("no config, the command line, pass --config configs/<name>.yaml (or weights whose "
                        f"directory holds the {CONFIG_NAME} that train.py/export_model.py wrote)")
    path = input_path(path)
    if not os.path.isfile(path):
        raise UserError(f"config not found, {path}, pass one of configs/*.yaml with --config")
    try:
        with open(path, encoding="utf-8") as f:
            cfg = yaml.safe_load(f)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise UserError(f"config {show_path(path)} is not valid YAML ({type(exc).__name__}), fix the file or start "
                        "from configs/posec3d_lite.yaml") from None
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    try:
        if isinstance(cfg, dict):
            cfg = copy.deepcopy(cfg)
            for key, value in given.items():
                set_key(cfg, key, value)
        cfg = validate(cfg, SCHEMA)
        _check_links(cfg, show_path(path))
    except ConfigError as exc:
        names = [f"{(flags or {}).get(k, '--' + k.rsplit('.', 1)[-1])} {v}" for k, v in given.items() if k in str(exc)]
        by = f" (set by the flag {names[0]})" if names else ""
        raise UserError(f"config {show_path(path)}: {exc}{by}, fix it (every key with its meaning: "
                        "configs/posec3d_r50_ucf101_split1.yaml)") from None
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
    beside = config_beside(weights)
    if beside:
        return beside
    raise UserError(f"no config, {flag} {weights} has no {CONFIG_NAME} beside it, pass --config configs/<name>.yaml "
                    "(the config the weights were trained with)")
