"""The config contract over the seed's yacs config (config.py keeps `from config import cfg`).

Every key a script reads is in every YAML file under configs/, once; SCHEMA says what each key may hold (type,
range, choices; never a default), the linked checks say which values must agree, and load_config() answers any
mistake with one UserError line naming the file and the key. yacs itself rejects unknown keys and type changes
against a default; it does not check ranges, choices or a missing key, and it needs defaults: here the YAML files
are the only place values live, and the checked mapping becomes a frozen yacs CfgNode (attribute access as in the
seed: cfg.TRAIN.batch_size).

The resolved config (after the flags) is saved as config.yaml into latest/, best_model/ and every export dir;
test.py, predict.py, export_model.py and infer.py read the one beside their checkpoint/export (config_beside),
so --config is only an override there."""
import argparse
import os
from typing import Any, Dict, Optional

import yaml
from yacs.config import CfgNode

from utils import UserError, from_root, input_path
from utils.config_schema import ConfigError, Field, check_value, save_yaml_atomic, validate

DEFAULT_CONFIG = from_root('configs/movenet_coco.yaml')  # the movenet.pytorch recipe
CONFIG_NAME = 'config.yaml'  # beside every checkpoint and in every export dir

SCHEMA = {
    'save_dir': Field(str),  # training output: train.log, latest/, best_model/
    'seed': Field(int, low=0),
    'device': Field(str, choices=['', 'cpu', 'gpu']),  # '' = gpu when available, else cpu
    'num_workers': Field(int, low=0),
    'DATA': {
        'root': Field(str),  # holds imgs/, train2017.json, val2017.json
        # the decode's and the loss's centre weight is the original's 48x48 center_weight_origin.npy: 192 only
        'img_size': Field(int, choices=[192]),
        'num_joints': Field(int, low=1),
        'augment': Field(bool),
    },
    'MODEL': {
        'pretrained': Field(str),  # '' = none
    },
    'TRAIN': {
        'batch_size': Field(int, low=1),
        'epochs': Field(int, low=1),
        'learning_rate': Field(float, low=0, low_open=True),
        'weight_decay': Field(float, low=0),  # coupled L2, as torch Adam(weight_decay)
        'milestones': Field(list, item=Field(int, low=1)),  # MultiStepLR, stepped per epoch
        'gamma': Field(float, low=0, low_open=True, high=1),
        'clip_gradient': Field(float, low=0),  # 0 = off
        'use_bone': Field(bool),
        'log_iters': Field(int, low=1),
        'eval_interval': Field(int, low=1),
        'eval_init': Field(bool),  # also evaluate before the first update (epoch 0)
        'max_iters': Field(int, low=0),  # 0 = no limit
        'amp': Field(bool),
        'use_vdl': Field(bool),
    },
    'TEST': {
        'batch_size': Field(int, low=1),
        'hm_th': Field(float, low=0, high=1),  # decode score threshold
        # units of x, y in the `export_model.py --with_decode True` output: input pixels (0..img_size, the
        # contract other programs rely on) or normalized ([0, 1] of the input); copied into the export's config.yaml
        'keypoint_units': Field(str, choices=['pixels', 'normalized']),
        'acc_th': Field(float, low=0, low_open=True),  # acc: squared normalised distance < acc_th / img_size
    },
}

# flag -> config key (the scripts' flags that override a config value)
FLAGS = {'dataset_root': 'DATA.root', 'batch_size': 'TRAIN.batch_size', 'max_epochs': 'TRAIN.epochs',
         'max_iters': 'TRAIN.max_iters', 'log_iters': 'TRAIN.log_iters', 'seed': 'seed', 'save_dir': 'save_dir',
         'learning_rate': 'TRAIN.learning_rate', 'num_workers': 'num_workers', 'device': 'device',
         'amp': 'TRAIN.amp', 'use_vdl': 'TRAIN.use_vdl', 'eval_interval': 'TRAIN.eval_interval',
         'pretrained': 'MODEL.pretrained', 'use_bone': 'TRAIN.use_bone', 'augment': 'DATA.augment',
         'hm_th': 'TEST.hm_th'}
PATH_KEYS = ('save_dir', 'DATA.root', 'MODEL.pretrained')  # relative to the MoveNet folder inside a config file


def _field(key: str) -> Field:
    node: Any = SCHEMA
    for part in key.split('.'):
        node = node[part]
    return node


def _get(cfg: Dict, key: str) -> Any:
    for part in key.split('.'):
        cfg = cfg[part]
    return cfg


def _set(cfg: Dict, key: str, value: Any) -> None:
    *parents, leaf = key.split('.')
    for part in parents:
        cfg = cfg[part]
    cfg[leaf] = value


def check_links(cfg: Dict) -> None:
    """Values that must agree with each other (ConfigError naming both keys)."""
    milestones = cfg['TRAIN']['milestones']
    if any(b <= a for a, b in zip(milestones, milestones[1:])):
        raise ConfigError(f'TRAIN.milestones: {milestones} must be strictly increasing')
    joints = cfg['DATA']['num_joints']
    if cfg['TRAIN']['use_bone'] and joints < 7:
        raise ConfigError(f'TRAIN.use_bone: the bone loss pairs joints 0..6 (movenet_loss.py boneLoss), '
                          f'DATA.num_joints is {joints}; set use_bone false or num_joints >= 7')
    if cfg['DATA']['augment'] and joints != 17:
        raise ConfigError(f'DATA.augment: the mirror swaps the left/right joints of COCO-17, DATA.num_joints is '
                          f'{joints}; set augment false or num_joints 17')


def to_dict(cfg: Any) -> Any:
    """A (nested) CfgNode as plain dicts, for yaml.safe_dump."""
    return {k: to_dict(v) for k, v in cfg.items()} if isinstance(cfg, dict) else cfg


def fill_saved_defaults(raw: Any, path: str) -> None:
    """A config.yaml saved before TEST.keypoint_units existed (checkpoints and exports before 2026-11-30) still
    loads: an export dir then held [0, 1] units ('normalized'), a checkpoint exports with today's 'pixels'.
    Files under configs/ and any other name must hold every key."""
    if os.path.basename(path) != CONFIG_NAME or not isinstance(raw, dict) or not isinstance(raw.get('TEST'), dict):
        return
    if 'keypoint_units' not in raw['TEST']:
        folder = os.path.dirname(os.path.abspath(path))
        export = any(os.path.isfile(os.path.join(folder, n)) for n in ('model.json', 'model.pdmodel', 'model.onnx'))
        raw['TEST']['keypoint_units'] = 'normalized' if export else 'pixels'


def load_config(path: Optional[str], overrides: Optional[Dict[str, Any]] = None) -> CfgNode:
    """Read, check and freeze a config. overrides: {dotted key: value} from the flags (already resolved paths),
    each checked against SCHEMA and named by its flag in an error. Paths in the file are relative to the MoveNet
    folder. Any mistake -> UserError `<what>, <file or flag>, <how to fix>`."""
    if path is None:
        raise UserError('no config given and no config.yaml beside the checkpoint, --config, pass the training '
                        'config (e.g. configs/movenet_coco.yaml)')
    if not os.path.isfile(path):
        raise UserError(f'config {path} not found, --config, pass a file from configs/')
    try:
        with open(path, encoding='utf-8') as f:
            raw = yaml.safe_load(f)
    except (yaml.YAMLError, UnicodeDecodeError) as e:
        where = getattr(e, 'problem_mark', None)
        line = f' (line {where.line + 1})' if where is not None else ''
        raise UserError(f'config {path} is not valid YAML{line}, --config, fix the file or pass one from configs/')
    fix = 'compare with configs/movenet_coco.yaml'
    fill_saved_defaults(raw, path)
    try:
        cfg = validate(raw, SCHEMA)
    except ConfigError as e:
        raise UserError(f'{e}, config {path}, {fix}') from None
    for key in PATH_KEYS:
        _set(cfg, key, from_root(_get(cfg, key)))
    flag_of = {key: flag for flag, key in FLAGS.items()}
    for key, value in (overrides or {}).items():
        where = f'--{flag_of[key]}' if key in flag_of else key
        try:
            _set(cfg, key, check_value(value, _field(key), f'{where} ({key})'))
        except ConfigError as e:
            raise UserError(f'{e}, command line, pass a valid value') from None
    try:
        check_links(cfg)
    except ConfigError as e:
        raise UserError(f'{e}, config {path} and flags, {fix}') from None
    node = CfgNode(cfg)
    node.freeze()
    return node


def save_config(cfg: Dict, directory: str) -> str:
    """<directory>/config.yaml, written atomically; returns its path."""
    path = os.path.join(directory, CONFIG_NAME)
    save_yaml_atomic(to_dict(cfg), path)
    return path


def config_beside(path: Optional[str]) -> Optional[str]:
    """config.yaml in a checkpoint's directory (path = the .pdparams) or an export directory, or None."""
    if not path:
        return None
    directory = path if os.path.isdir(path) else os.path.dirname(os.path.abspath(path))
    found = os.path.join(directory, CONFIG_NAME)
    return found if os.path.isfile(found) else None


# ---- the scripts' side: flags that override config keys, and which config a script reads

FLAG_TYPES = {'batch_size': int, 'max_epochs': int, 'max_iters': int, 'log_iters': int, 'seed': int,
              'num_workers': int, 'eval_interval': int, 'learning_rate': float, 'hm_th': float}


def add_config_flags(parser: argparse.ArgumentParser, *names: str, config_help: str = '') -> None:
    """--config plus the named override flags (default None = keep the config's value)."""
    from utils import str2bool
    parser.add_argument('--config', default=None, help=config_help or 'yaml config (default: configs/movenet_coco.yaml)')
    for name in names:
        kw = {'choices': ['cpu', 'gpu']} if name == 'device' else {}
        kind = str2bool if name in ('amp', 'use_vdl', 'use_bone', 'augment') else FLAG_TYPES.get(name, str)
        parser.add_argument(f'--{name}', type=kind, default=None, help=f'overrides {FLAGS[name]}', **kw)


def overrides_from(args: argparse.Namespace, skip=()) -> Dict[str, Any]:
    """{config key: value} of the override flags given on the command line; paths typed by the user are relative
    to the current directory (inputs also looked up in the MoveNet folder)."""
    out = {}
    for flag, key in FLAGS.items():
        value = getattr(args, flag, None)
        if value is None or flag in skip:
            continue
        if key in PATH_KEYS and value:
            value = os.path.abspath(value) if key == 'save_dir' else os.path.abspath(input_path(value))
        out[key] = value
    return out


def script_config(config_flag: Optional[str], beside: Optional[str], overrides: Dict[str, Any],
                  default: Optional[str] = None) -> CfgNode:
    """The config a script runs with: --config when given, else config.yaml beside `beside` (a checkpoint or an
    export dir), else `default` (train.py: configs/movenet_coco.yaml); with none of them one error line."""
    if config_flag:
        return load_config(input_path(config_flag), overrides)
    path = config_beside(beside) or default
    if path is None:
        raise UserError(f'no config.yaml beside {beside} and no --config, --config, pass the config the weights '
                        'were trained with (e.g. configs/movenet_coco.yaml)')
    return load_config(path, overrides)


DEFAULT_WEIGHTS = 'output/best_model/model.pdparams'  # train.py's best model with the default config


def checkpoint_config(config_flag: Optional[str], weights_flag: Optional[str], overrides: Dict[str, Any]):
    """test.py / predict.py / export_model.py: -> (config, weights). The weights are the flag's file; without it,
    <save_dir>/best_model/model.pdparams of --config, or <this folder>/output/best_model/model.pdparams. The
    config is --config, else the config.yaml saved beside the weights."""
    weights = input_path(weights_flag) if weights_flag else (None if config_flag else from_root(DEFAULT_WEIGHTS))
    cfg = script_config(config_flag, weights, overrides)
    return cfg, weights or os.path.join(cfg.save_dir, 'best_model', 'model.pdparams')
