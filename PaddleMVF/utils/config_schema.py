"""Checking a YAML config against a schema: known keys, types, ranges; one line per mistake.

Copied on purpose into every model folder (`make check-copies` keeps the copies identical); each
folder's own utils/config.py holds its SCHEMA, its linked-value checks and where its configs live.
Defaults live in the YAML files only: a schema says what a key may hold, never what it holds.

    SCHEMA = {"train": {"epochs": Field(int, low=1), "learning_rate": Field(float, low=0, low_open=True)}}
    validate(cfg, SCHEMA)       # raises ConfigError("train.epochs: expected int, got 'ninety' (str)")
"""
import difflib
import os
from dataclasses import dataclass
from typing import Any, Dict, Optional, Sequence


class ConfigError(ValueError):
    """A config mistake; the message names the key, the value and what was expected."""


@dataclass(frozen=True)
class Field:
    """One config value: its type (int, float, bool, str, list or dict), an inclusive range (low/high;
    low_open excludes low), allowed choices, an item Field for lists, a fixed or minimum list
    length, and whether null is allowed."""
    type: type
    low: Optional[float] = None
    high: Optional[float] = None
    low_open: bool = False
    choices: Optional[Sequence[Any]] = None
    item: Optional["Field"] = None
    length: Optional[int] = None
    min_length: Optional[int] = None
    nullable: bool = False


TYPE_NAMES = {int: "int", float: "float", bool: "bool (true/false)", str: "str", list: "list", dict: "mapping"}


def closest(name: str, candidates: Sequence[str]) -> str:
    """' (did you mean x?)' for the closest candidate, or '' when none is close."""
    match = difflib.get_close_matches(name, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean {match[0]}?)" if match else ""


def check_value(value: Any, field: Field, where: str) -> Any:
    """The value, converted where harmless (an int where a float belongs, '1e-4' read by YAML as a
    string), or ConfigError."""
    if value is None:
        if field.nullable:
            return None
        raise ConfigError(f"{where}: expected {TYPE_NAMES.get(field.type, field.type.__name__)}, got null")
    if field.type is float and isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            pass
    if field.type is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    wrong = not isinstance(value, field.type) or (field.type is not bool and isinstance(value, bool))
    if wrong:
        raise ConfigError(f"{where}: expected {TYPE_NAMES.get(field.type, field.type.__name__)}, "
                          f"got {value!r} ({type(value).__name__})")
    if field.type in (int, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ConfigError(f"{where}: {value} is not a finite number")
        if field.low is not None and (value < field.low or (field.low_open and value == field.low)):
            raise ConfigError(f"{where}: {value} is out of range, it must be "
                              f"{'>' if field.low_open else '>='} {field.low}")
        if field.high is not None and value > field.high:
            raise ConfigError(f"{where}: {value} is out of range, it must be <= {field.high}")
    if field.choices is not None and value not in field.choices:
        raise ConfigError(f"{where}: {value!r} is not one of {', '.join(map(str, field.choices))}"
                          f"{closest(str(value), [str(c) for c in field.choices])}")
    if field.type is list:
        if field.length is not None and len(value) != field.length:
            raise ConfigError(f"{where}: expected a list of {field.length} items, got {len(value)}")
        if field.min_length is not None and len(value) < field.min_length:
            raise ConfigError(f"{where}: expected at least {field.min_length} items, got {len(value)}")
        if field.item is not None:
            value = [check_value(v, field.item, f"{where}[{i}]") for i, v in enumerate(value)]
    return value


def validate(cfg: Any, schema: Dict[str, Any], where: str = "") -> Dict[str, Any]:
    """Check a nested mapping against a nested schema of Fields: no unknown key (the closest valid
    one is named), no missing key, every value of its type and range. Returns the checked mapping
    (with harmless conversions applied); raises ConfigError on the first mistake."""
    if not isinstance(cfg, dict):
        raise ConfigError(f"{where or 'the config'}: expected a mapping of keys, got "
                          f"{type(cfg).__name__ if cfg is not None else 'an empty file'}")
    for key in cfg:
        if key not in schema:
            raise ConfigError(f"unknown key {where}{key}{closest(str(key), list(schema))}")
    checked = {}
    for key, rule in schema.items():
        if key not in cfg:
            raise ConfigError(f"missing key {where}{key}")
        if isinstance(rule, dict):
            checked[key] = validate(cfg[key], rule, f"{where}{key}.")
        else:
            checked[key] = check_value(cfg[key], rule, f"{where}{key}")
    return checked


def set_key(cfg: Dict[str, Any], dotted: str, value: Any) -> None:
    """cfg['a']['b'] = value for 'a.b' (flags that override a config key)."""
    *parents, leaf = dotted.split(".")
    node = cfg
    for part in parents:
        node = node.setdefault(part, {})
    node[leaf] = value


def save_yaml_atomic(cfg: Dict[str, Any], path: str) -> None:
    """Write a config as YAML: to a temporary name in the same directory, then rename."""
    import yaml
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        yaml.safe_dump(cfg, f, sort_keys=False, allow_unicode=True)
    os.replace(tmp, path)
