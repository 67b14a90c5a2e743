"""The config contract: SCHEMA (what each key may hold), linked-value checks, load/save, the config beside a
checkpoint or an export, and the class names a config selects.

Defaults live in the YAML files only (configs/*.yaml): every key below is in every config, once, and the
scripts read nothing else. Paths inside a config: data.data_file & co are relative to --dataset_root;
data.class_names is relative to this folder (so a copy saved beside a checkpoint reads the same).
"""
import os
from typing import Any, Dict, List, Optional

import yaml

from utils.atomic_io import write_file_atomic
from utils.common import FOLDER, UserError, folder_path
from utils.config_schema import ConfigError, Field, set_key, validate

CONFIG_NAME = "config.yaml"  # the resolved config saved beside every checkpoint and in every export directory
EXAMPLE = "configs/stgcn_fsd10.yaml"  # named in error messages: every key with its meaning

_COUNT = Field(int, low=1)
SCHEMA: Dict[str, Any] = {
    "model": {
        "in_channels": _COUNT,                      # C fed to the network (FSD-10: x, y after SkeletonNorm)
        "num_classes": Field(int, low=2),
        "layout": Field(str, choices=("fsd10", "ntu-rgb+d")),  # joint graph (models/graph.py)
        "strategy": Field(str, choices=("uniform", "distance", "spatial")),
        "edge_importance_weighting": Field(bool),
        "dropout": Field(float, low=0, high=0.99),
        "temporal_kernel_size": _COUNT,             # the k x 1 temporal conv of every block (odd)
        "blocks": Field(list, min_length=1, item=Field(list, length=2, item=_COUNT)),  # [out_channels, stride]
    },
    "data": {
        "data_file": Field(str),                    # relative to --dataset_root
        "label_file": Field(str),
        "val_data_file": Field(str, nullable=True),  # null: validation = samples i % 7 == 1 of data_file
        "val_label_file": Field(str, nullable=True),
        "num_person": _COUNT,                       # M, the input's last axis
        "transforms": Field(list, min_length=1),    # the pipeline (datasets/transforms.py), train = test
        "full_train": Field(bool),                  # train on every sample of data_file, no validation
        "class_names": Field(str),                  # text file, one name per line, relative to the folder
    },
    "train": {
        "epochs": _COUNT,
        "batch_size": _COUNT,                       # per card
        "learning_rate": Field(float, low=0, low_open=True),
        "momentum": Field(float, low=0, high=1),
        "use_nesterov": Field(bool),
        "weight_decay": Field(float, low=0),        # L2
        "lr_scheduler": Field(dict),                # {name: CosineAnnealingDecay} or PiecewiseDecay, see below
        "num_workers": Field(int, low=0),
        "log_iters": _COUNT,
        "eval_interval": _COUNT,
        "seed": Field(int, low=0),
    },
}
SCHEDULERS = {  # name -> its keys besides name (stepped once per epoch, as PaddleVideo)
    "CosineAnnealingDecay": {},  # T_max = train.epochs (stgcn_fsd.yaml)
    "PiecewiseDecay": {"boundaries": Field(list, min_length=1, item=_COUNT),  # epochs
                       "multipliers": Field(list, min_length=2, item=Field(float, low=0))},  # x learning_rate
}


def _check_scheduler(train: Dict[str, Any]) -> None:
    sched = dict(train["lr_scheduler"])
    name = sched.pop("name", None)
    if name not in SCHEDULERS:
        raise ConfigError(f"train.lr_scheduler.name: {name!r} is not one of {', '.join(SCHEDULERS)}")
    train["lr_scheduler"] = {"name": name, **validate(sched, SCHEDULERS[name], "train.lr_scheduler.")}
    if name == "PiecewiseDecay":
        bounds, mults = train["lr_scheduler"]["boundaries"], train["lr_scheduler"]["multipliers"]
        if len(mults) != len(bounds) + 1 or bounds != sorted(set(bounds)):
            raise ConfigError(f"train.lr_scheduler: PiecewiseDecay needs increasing boundaries and one multiplier "
                              f"more than boundaries, got boundaries {bounds}, multipliers {mults}")


def _check_links(cfg: Dict[str, Any]) -> None:
    """Values that must agree with each other; ConfigError naming the keys."""
    from datasets.transforms import build_transforms  # the pipeline's own checks (names, arguments)
    model, data = cfg["model"], cfg["data"]
    if model["temporal_kernel_size"] % 2 == 0:
        raise ConfigError(f"model.temporal_kernel_size: {model['temporal_kernel_size']} must be odd "
                          "(padding (k - 1) / 2 keeps the frame count; the official value is 9)")
    if (data["val_data_file"] is None) != (data["val_label_file"] is None):
        raise ConfigError("data.val_data_file and data.val_label_file: give both (a separate validation set) "
                          "or neither (validation = samples i % 7 == 1 of data.data_file)")
    pipeline = build_transforms(cfg)
    if pipeline.out_channels is not None and pipeline.out_channels != model["in_channels"]:
        raise ConfigError(f"data.transforms: SkeletonNorm keeps {pipeline.out_channels} channels but "
                          f"model.in_channels is {model['in_channels']}, make them equal")
    _check_scheduler(cfg["train"])
    names = read_class_names(data["class_names"])
    if len(names) != model["num_classes"]:
        raise ConfigError(f"data.class_names: {data['class_names']} lists {len(names)} classes but "
                          f"model.num_classes is {model['num_classes']}")


def read_class_names(path: str) -> List[str]:
    """The names of a class-names file (relative to the folder): one per line, '#' lines are comments."""
    full = path if os.path.isabs(path) else folder_path(path)
    if not os.path.isfile(full):
        raise ConfigError(f"data.class_names: {path} not found (relative to {FOLDER}), use "
                          "datasets/labels/fsd10.txt, ntu60.txt, mini.txt or your own list")
    with open(full, encoding="utf-8") as f:
        return [line.strip() for line in f if line.strip() and not line.lstrip().startswith("#")]


def class_names(cfg: Dict[str, Any]) -> List[str]:
    """The config's class names, index = class id."""
    return read_class_names(cfg["data"]["class_names"])


def find_config(path: str) -> str:
    """A config path as typed (relative to the current directory), else relative to this folder."""
    if os.path.isfile(path) or os.path.isabs(path):
        return path
    inside = folder_path(path)
    return inside if os.path.isfile(inside) else path


def load_config(path: Optional[str], overrides: Optional[Dict[str, Any]] = None,
                flags: Optional[Dict[str, str]] = None) -> Dict[str, Any]:
    """Read, override (dotted key -> value from flags; None values are ignored; the key
    'data.transforms.AutoPadding.window_size' rewrites AutoPadding's window) and validate a config.
    `flags` maps a dotted key to the flag that set it, for the error line. Every mistake is one UserError
    naming the file and the key."""
    if not path:
        raise UserError(f"no config, pass --config {EXAMPLE} (or a checkpoint/export directory that holds "
                        f"{CONFIG_NAME})")
    path = find_config(path)
    if not os.path.isfile(path):
        raise UserError(f"config {path} not found, pass --config {EXAMPLE} (relative to the current directory "
                        f"or to {FOLDER})")
    try:
        with open(path, encoding="utf-8") as f:
            cfg = yaml.safe_load(f)
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as err:
        raise UserError(f"config {path} is not valid YAML ({type(err).__name__}), fix the file or start from "
                        f"{EXAMPLE}") from None
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    try:
        if isinstance(cfg, dict):
            for key, value in given.items():
                _override(cfg, key, value)
        cfg = validate(cfg, SCHEMA)
        _check_links(cfg)
    except ConfigError as err:
        flag = next((f for k, f in (flags or {}).items() if k in given and str(err).startswith(k)), None)
        where = f" (set by {flag})" if flag else ""
        raise UserError(f"config {path}: {err}{where}; fix it (every key with its meaning: {EXAMPLE})") from None
    return cfg


def _override(cfg: Dict[str, Any], key: str, value: Any) -> None:
    if key != "data.transforms.AutoPadding.window_size":
        set_key(cfg, key, value)
        return
    data = cfg["data"] if isinstance(cfg.get("data"), dict) else {}  # the raw file: validated after the overrides
    specs = data["transforms"] if isinstance(data.get("transforms"), list) else []
    for i, spec in enumerate(specs):
        name = spec if isinstance(spec, str) else next(iter(spec), None) if isinstance(spec, dict) else None
        if name == "AutoPadding":
            kwargs = {} if isinstance(spec, str) else dict(spec[name] or {})
            specs[i] = {"AutoPadding": {**kwargs, "window_size": value}}
            return
    raise ConfigError("data.transforms: --window_size given, but the pipeline has no AutoPadding (it feeds the "
                      "data as it is, as the official NTU config), drop --window_size")


def save_config(cfg: Dict[str, Any], directory: str) -> str:
    """Write the resolved config to <directory>/config.yaml (atomically); returns the path."""
    path = os.path.join(directory, CONFIG_NAME)
    write_file_atomic(path, cfg)
    return path


def config_beside(path: Optional[str]) -> Optional[str]:
    """config.yaml of a checkpoint (its file or directory) or of an export directory, None when absent."""
    if not path:
        return None
    folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    candidate = os.path.join(folder, CONFIG_NAME)
    return candidate if os.path.isfile(candidate) else None


def resolve_config(config: Optional[str], beside: Optional[str], flag: str) -> str:
    """--config when given, else the config.yaml beside `beside` (a checkpoint or an export); one error
    line otherwise."""
    if config:
        return config
    if beside and not os.path.exists(beside):
        raise UserError(f"{beside} not found ({flag}), train or export first, or pass {flag} <path>")
    found = config_beside(beside)
    if not found:
        raise UserError(f"no config: {beside} ({flag}) has no {CONFIG_NAME} beside it (train.py and "
                        f"export_model.py write one), pass --config {EXAMPLE}")
    return found
