"""yacs configuration, as the seed's config.py: `python train.py` runs from these defaults; a yaml file
(--config) and command-line flags override them."""
import argparse
import os
from typing import Optional

from yacs.config import CfgNode as CN

from utils import UserError, from_root, input_path, str2bool

_C = CN()
_C.save_dir = './output'
_C.seed = 42
_C.device = ''  # '' = gpu when available, else cpu
_C.num_workers = 4

_C.DATA = CN()
_C.DATA.root = './data/cropped'  # holds imgs/, train2017.json, val2017.json
_C.DATA.img_size = 192
_C.DATA.num_joints = 17
_C.DATA.augment = True

_C.MODEL = CN()
_C.MODEL.pretrained = ''

_C.TRAIN = CN()
_C.TRAIN.batch_size = 64
_C.TRAIN.epochs = 120
_C.TRAIN.learning_rate = 1e-3
_C.TRAIN.weight_decay = 5e-4  # coupled L2, as torch Adam(weight_decay)
_C.TRAIN.milestones = [70, 100]  # MultiStepLR x0.1, stepped per epoch
_C.TRAIN.gamma = 0.1
_C.TRAIN.clip_gradient = 0.0  # 0 = off: the original's clip=5 ran before backward and had no effect
_C.TRAIN.use_bone = True
_C.TRAIN.log_iters = 10
_C.TRAIN.eval_interval = 1
_C.TRAIN.eval_init = False  # also evaluate before the first update (epoch 0), to see learning
_C.TRAIN.max_iters = 0  # 0 = no limit
_C.TRAIN.amp = False
_C.TRAIN.use_vdl = False

_C.TEST = CN()
_C.TEST.batch_size = 64
_C.TEST.hm_th = 0.1  # decode score threshold
_C.TEST.acc_th = 5.0  # acc: squared normalised distance < acc_th / img_size

# flag -> config key; flags left at None keep the config value
FLAGS = {'dataset_root': 'DATA.root', 'batch_size': 'TRAIN.batch_size', 'max_epochs': 'TRAIN.epochs',
         'max_iters': 'TRAIN.max_iters', 'log_iters': 'TRAIN.log_iters', 'seed': 'seed', 'save_dir': 'save_dir',
         'learning_rate': 'TRAIN.learning_rate', 'num_workers': 'num_workers', 'device': 'device',
         'amp': 'TRAIN.amp', 'use_vdl': 'TRAIN.use_vdl', 'eval_interval': 'TRAIN.eval_interval',
         'pretrained': 'MODEL.pretrained', 'use_bone': 'TRAIN.use_bone', 'augment': 'DATA.augment',
         'hm_th': 'TEST.hm_th'}
TYPES = {'batch_size': int, 'max_epochs': int, 'max_iters': int, 'log_iters': int, 'seed': int, 'num_workers': int,
         'eval_interval': int, 'learning_rate': float, 'hm_th': float, 'amp': str2bool, 'use_vdl': str2bool,
         'use_bone': str2bool, 'augment': str2bool}


def add_flags(parser: argparse.ArgumentParser, *names: str) -> None:
    parser.add_argument('--config', default=None, help='yaml overriding the defaults of config.py')
    for name in names:
        kw = {'choices': ['cpu', 'gpu']} if name == 'device' else {}
        parser.add_argument(f'--{name}', type=TYPES.get(name, str), default=None,
                            help=f'overrides {FLAGS[name]}', **kw)


# path keys: defaults and config-file values are relative to this folder; flags relative to the current directory
# (inputs fall back to this folder when they do not exist there)
PATH_KEYS = {'save_dir': 'save_dir', 'DATA.root': 'dataset_root', 'MODEL.pretrained': 'pretrained'}


def _set(cfg: CN, key: str, value) -> None:
    node, leaf = cfg, key.split('.')
    for part in leaf[:-1]:
        node = node[part]
    node[leaf[-1]] = value


def _get(cfg: CN, key: str):
    for part in key.split('.'):
        cfg = cfg[part]
    return cfg


def get_config(args: Optional[argparse.Namespace] = None) -> CN:
    cfg = _C.clone()
    if args is not None and getattr(args, 'config', None):
        path = input_path(args.config)
        if not os.path.isfile(path):
            raise UserError(f'config {args.config} not found, --config, pass a file from configs/')
        try:
            cfg.merge_from_file(path)
        except Exception as e:  # yacs raises KeyError/ValueError/yaml errors
            raise UserError(f'bad config {args.config} ({e}), --config, compare with configs/movenet_coco.yaml')
    for key in PATH_KEYS:
        _set(cfg, key, from_root(_get(cfg, key)))
    for flag, key in FLAGS.items():
        value = getattr(args, flag, None) if args is not None else None
        if value is not None:
            if key in PATH_KEYS:
                value = os.path.abspath(value) if key == 'save_dir' else input_path(value)
            _set(cfg, key, value)
    cfg.freeze()
    return cfg


cfg = _C  # the seed's `from config import cfg`
