"""The seed's yacs config interface: `from config import cfg` gives the movenet.pytorch recipe
(configs/movenet_coco.yaml) as a yacs CfgNode, and get_config(path) any checked config.

The values live in the YAML files only; utils/config.py checks them (SCHEMA: known keys, types, ranges, linked
values) and holds the contract the scripts use (load_config, save_config, config_beside)."""
from typing import Optional

from yacs.config import CfgNode

from utils.config import DEFAULT_CONFIG, load_config


def get_config(path: Optional[str] = None, overrides: Optional[dict] = None) -> CfgNode:
    """A checked, frozen config: `path` (default configs/movenet_coco.yaml) with {dotted key: value} overrides."""
    return load_config(path or DEFAULT_CONFIG, overrides)


def get_cfg_defaults() -> CfgNode:
    """A mutable copy of the default config (yacs convention)."""
    cfg = get_config().clone()
    cfg.defrost()
    return cfg


cfg = get_cfg_defaults()  # the seed's `from config import cfg`
