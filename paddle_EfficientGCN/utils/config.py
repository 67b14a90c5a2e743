"""The config contract: SCHEMA (what each key may hold), linked-value checks, load/save, the config beside a
checkpoint or an export, and the class names a config selects.

Defaults live in the YAML files only (configs/2001.yaml ... 2012.yaml follow the official numbering and the
official key names; configs/lite.yaml is the CPU-fast B0 of TIPC and the tests): every key below is in every
config, once, and a script reads nothing else. Relative paths inside a config (dataset_args.dataset_root,
raw_dirs, out_root, class_names) are relative to the model folder, whatever the current directory or wherever
the config file lies (a copy saved beside a checkpoint reads the same); folder_path() resolves them where used.
"""
import os
import re
from typing import Any, Dict, List, Optional

import yaml

from utils import FOLDER, UserError, folder_path, input_path
from utils.atomic_io import write_file_atomic
from utils.config_schema import ConfigError, Field, set_key, validate

CONFIG_NAME = 'config.yaml'  # the resolved config saved beside every checkpoint and in every export directory
# classes of each official benchmark (src/reader/ntu_reader.py: NTU-60 actions A001-A060, NTU-120 A001-A120)
BENCHMARK_CLASSES = {'ntu-xsub': 60, 'ntu-xview': 60, 'ntu-xsub120': 120, 'ntu-xset120': 120}
NUM_JOINT, NUM_PERSON, NUM_CHANNEL = 25, 2, 6  # NTU joints, bodies kept by the reader, channels per input stream

_INT = Field(int, low=1)
SCHEMA: Dict[str, Any] = {
    'model_type': Field(str),                       # EfficientGCN-B<x>, x the compound scaling coefficient
    'dataset': Field(str, choices=tuple(BENCHMARK_CLASSES)),
    'num_class': Field(int, low=2),
    'class_names': Field(str),                      # text file, one action name per line, class id = line - 1
    'data_shape': Field(list, length=5, item=_INT),  # [inputs, channels, frames, joints, persons]
    'model_args': {
        'stem_channel': _INT,
        'block_args': Field(list, min_length=1, item=Field(list, length=3)),  # [channel, stride, depth] of B0
        'fusion_stage': Field(int, low=0),
        'act_type': Field(str, choices=('relu', 'relu6', 'hswish', 'swish')),
        'att_type': Field(str, choices=('stja',)),  # ST-Joint attention (the only one the configs use)
        'layer_type': Field(str, choices=('Basic', 'Sep', 'SG')),
        'drop_prob': Field(float, low=0, high=1),
        'kernel_size': Field(list, length=2, item=_INT),  # [temporal window, max graph distance]
        'scale_args': Field(list, length=2, item=Field(float, low=0, low_open=True)),
        'expand_ratio': Field(int, low=0),
        'reduct_ratio': _INT,
        'bias': Field(bool),
        'edge': Field(bool),
    },
    'dataset_args': {
        'dataset_root': Field(str),                 # folder of {train,eval}_data.npy + {train,eval}_label.pkl
        'raw_dirs': Field(list, min_length=1, item=Field(str)),  # .skeleton folders (main.py -gd, ntu_reader)
        'out_root': Field(str),                     # where main.py -gd writes <original|transformed>/<dataset>/
        'inputs': Field(str),                       # letters of JVB: joint, velocity, bone streams
        'num_frame': _INT,                          # frames the feeder keeps (official key); == data_shape[2]
        'transform': Field(bool),                   # pre-normalise the skeletons (official: x-view configs)
    },
    'train': {
        'batch_size': _INT,                         # per card
        'eval_batch_size': _INT,
        'max_epochs': _INT,
        'warm_up': Field(int, low=0),               # epochs of linear warm-up
        'learning_rate': Field(float, low=0, low_open=True),
        'momentum': Field(float, low=0, high=1),
        'nesterov': Field(bool),
        'weight_decay': Field(float, low=0),
        'eval_interval': _INT,                      # epochs between evaluations
        'eval_last': Field(int, low=0),             # ... and every epoch of the last eval_last ones
        'seed': Field(int, low=0),
        'num_workers': Field(int, low=0),
        'log_iters': _INT,                          # a log line every log_iters iterations
    },
}


def _check_links(cfg: Dict[str, Any]) -> None:
    """Values that must agree with each other; ConfigError naming the keys."""
    if not re.fullmatch(r'EfficientGCN-B\d', cfg['model_type']):
        raise ConfigError(f"model_type: {cfg['model_type']!r} is not EfficientGCN-B<0-9>")
    m, d = cfg['model_args'], cfg['dataset_args']
    for i, block in enumerate(m['block_args']):
        channel, stride, depth = block
        if not (isinstance(channel, int) and isinstance(stride, int) and channel >= 1 and stride >= 1
                and isinstance(depth, (int, float)) and not isinstance(depth, bool) and depth >= 0):
            raise ConfigError(f'model_args.block_args[{i}]: expected [channel >= 1, stride >= 1, depth >= 0], '
                              f'got {block}')
    if m['fusion_stage'] > len(m['block_args']):
        raise ConfigError(f"model_args.fusion_stage: {m['fusion_stage']} is more than the "
                          f"{len(m['block_args'])} blocks of model_args.block_args")
    if m['kernel_size'][0] % 2 == 0:
        raise ConfigError(f"model_args.kernel_size: the temporal window {m['kernel_size'][0]} must be odd "
                          '(padding (k - 1) / 2 keeps the frame count)')
    inputs = d['inputs']
    if not inputs or set(inputs) - set('JVB') or len(set(inputs)) != len(inputs):
        raise ConfigError(f'dataset_args.inputs: {inputs!r} must be distinct letters of JVB (official: JVB)')
    expected = [len(inputs), NUM_CHANNEL, d['num_frame'], NUM_JOINT, NUM_PERSON]
    if cfg['data_shape'] != expected:
        raise ConfigError(f"data_shape: {cfg['data_shape']} does not match dataset_args (inputs {inputs!r}, "
                          f"num_frame {d['num_frame']}): expected {expected}")
    limit = BENCHMARK_CLASSES[cfg['dataset']]
    if cfg['num_class'] > limit:
        raise ConfigError(f"num_class: {cfg['num_class']} is more than the {limit} actions of {cfg['dataset']}")
    if cfg['train']['warm_up'] > cfg['train']['max_epochs']:
        raise ConfigError(f"train.warm_up: {cfg['train']['warm_up']} epochs is more than train.max_epochs "
                          f"{cfg['train']['max_epochs']}")
    names = read_class_names(cfg['class_names'])
    if len(names) != cfg['num_class']:
        raise ConfigError(f"class_names: {cfg['class_names']} lists {len(names)} classes but num_class is "
                          f"{cfg['num_class']}")


def read_class_names(path: str) -> List[str]:
    """The action names of a class_names file (relative to the folder), one per non-empty line."""
    full = folder_path(path)
    if not os.path.isfile(full):
        raise ConfigError(f'class_names: {path} not found (relative to {FOLDER}), use datasets/labels/ntu60.txt, '
                          'ntu120.txt or your own list')
    with open(full, encoding='utf-8') as f:
        return [line.strip() for line in f if line.strip()]


def class_names(cfg: Dict[str, Any]) -> List[str]:
    """The config's class names, index = class id."""
    return read_class_names(cfg['class_names'])


def load_config(path: Optional[str], overrides: Optional[Dict[str, Any]] = None) -> Dict[str, Any]:
    """Read, override (dotted key -> value, from flags; None values are ignored) and validate a config.
    Every mistake is one UserError naming the file and the key."""
    if not path:
        raise UserError('no config: pass --config configs/<name>.yaml (or a checkpoint/export directory that '
                        f'holds {CONFIG_NAME})')
    path = input_path(path)
    if not os.path.isfile(path):
        raise UserError(f'config {path} not found, pass --config configs/<name>.yaml (relative to the cwd or to '
                        f'{FOLDER})')
    try:
        with open(path, encoding='utf-8') as f:
            cfg = yaml.safe_load(f)
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        raise UserError(f'config {path} is not valid YAML ({type(e).__name__}), fix the file or start from '
                        'configs/2001.yaml')
    given = {k: v for k, v in (overrides or {}).items() if v is not None}
    try:
        if isinstance(cfg, dict):
            for key, value in given.items():
                set_key(cfg, key, value)
        cfg = validate(cfg, SCHEMA)
        _check_links(cfg)
    except ConfigError as e:
        flags = [f'--{k.rsplit(".", 1)[-1]} {v}' for k, v in given.items() if str(e).startswith(k)]
        where = f' (set by the flag {flags[0]})' if flags else ''
        raise UserError(f'config {path}: {e}{where}; fix it (every key with its meaning: configs/2001.yaml)')
    return cfg


def save_config(cfg: Dict[str, Any], directory: str) -> str:
    """Write the resolved config to <directory>/config.yaml (atomically); returns the path."""
    path = os.path.join(directory, CONFIG_NAME)
    write_file_atomic(path, yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True).encode('utf-8'))
    return path


def config_beside(path: Optional[str]) -> Optional[str]:
    """config.yaml of a checkpoint (its file or directory) or of an export directory, None when absent."""
    if not path:
        return None
    folder = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    candidate = os.path.join(folder, CONFIG_NAME)
    return candidate if os.path.isfile(candidate) else None


def resolve_config(config: Optional[str], beside: Optional[str], flag: str) -> str:
    """--config when given, else the config.yaml beside `beside` (the checkpoint/export); one error otherwise."""
    if config:
        return config
    if beside and not os.path.exists(beside):
        raise UserError(f'{beside} not found ({flag}), train or export first, or pass {flag} <path>')
    found = config_beside(beside)
    if not found:
        raise UserError(f'no config: {beside} ({flag}) has no {CONFIG_NAME} beside it (written by train.py and '
                        'export_model.py), pass --config configs/<name>.yaml')
    return found
