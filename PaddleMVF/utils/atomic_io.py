"""Checkpoint directories that survive a kill at any moment, and their recovery.

Copied on purpose into every model folder (`make check-copies` keeps the copies identical).

save_dir_atomic(dst, files) writes every file into `<dst>.tmp-<pid>`, marks it complete, renames
the current `<dst>` to `<dst>.old-<pid>`, renames the new one to `<dst>` and removes the old one.
A kill between the two renames leaves no `<dst>` but two complete copies; recover_dir(dst) puts
the newest complete copy back in place, and clean_stale(save_dir) removes what a killed run left
(temporary and old copies, half-written files). Files written here are a state dict (paddle.save),
a mapping (`*.json`, `*.yaml`) or bytes.
"""
import json
import os
import re
import shutil
from typing import Any, Dict, Optional

COMPLETE = ".complete"  # written last into a temporary copy: the copy holds every file
_DEBRIS = re.compile(r"^(?P<base>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)$")


def _write(path: str, obj: Any, name: Optional[str] = None) -> None:
    name = name or path  # the format follows the final name, never a temporary one
    if isinstance(obj, (bytes, bytearray)):
        with open(path, "wb") as f:
            f.write(obj)
    elif name.endswith(".json"):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=1)
    elif name.endswith((".yaml", ".yml")):
        import yaml
        with open(path, "w", encoding="utf-8") as f:
            yaml.safe_dump(obj, f, sort_keys=False, allow_unicode=True)
    else:
        import paddle
        paddle.save(obj, path)


def write_file_atomic(path: str, obj: Any) -> None:
    """One file, written to a temporary name beside it, then renamed over `path`."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    tmp = f"{path}.tmp-{os.getpid()}"
    _write(tmp, obj, name=path)
    os.replace(tmp, path)


def save_dir_atomic(dst: str, files: Dict[str, Any]) -> None:
    """Replace directory `dst` by one holding `files` (name -> object); never a half checkpoint."""
    dst = dst.rstrip("/")
    tmp, old = f"{dst}.tmp-{os.getpid()}", f"{dst}.old-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    for name, obj in files.items():
        _write(os.path.join(tmp, name), obj)
    open(os.path.join(tmp, COMPLETE), "w").close()
    if os.path.exists(dst):
        shutil.rmtree(old, ignore_errors=True)
        os.replace(dst, old)
    os.replace(tmp, dst)
    shutil.rmtree(old, ignore_errors=True)


def _copies(dst: str) -> list:
    """Complete leftover copies of `dst` as (kind, path), the newest write first."""
    parent, base = os.path.split(os.path.abspath(dst))
    found = []
    if os.path.isdir(parent):
        for name in os.listdir(parent):
            m = _DEBRIS.match(name)
            path = os.path.join(parent, name)
            if not m or m.group("base") != base or not os.path.isdir(path):
                continue
            if m.group("kind") == "old" or os.path.isfile(os.path.join(path, COMPLETE)):
                found.append((os.path.getmtime(path), m.group("kind"), path))
    # a complete new copy is newer than the old one it was about to replace
    found.sort(key=lambda item: (item[1] == "tmp", item[0]), reverse=True)
    return [(kind, path) for _, kind, path in found]


def recover_dir(dst: str) -> Optional[str]:
    """When `dst` is missing but a kill left a complete copy, move the newest one into place.
    Returns the directory that now holds the checkpoint, or None."""
    dst = dst.rstrip("/")
    if os.path.isdir(dst):
        return dst
    for _, path in _copies(dst):
        os.replace(path, dst)
        return dst
    return None


def clean_stale(save_dir: str) -> int:
    """Recover every checkpoint a killed run left half-swapped under save_dir, then remove the
    leftover temporary/old copies and half-written files of other processes. Returns how many
    entries were removed. Call once at start-up, before anything else is written."""
    if not os.path.isdir(save_dir):
        return 0
    bases = {m.group("base") for m in map(_DEBRIS.match, os.listdir(save_dir)) if m}
    for base in bases:
        recover_dir(os.path.join(save_dir, base))
    removed = 0
    for name in os.listdir(save_dir):
        m = _DEBRIS.match(name)
        if not m or int(m.group("pid")) == os.getpid():
            continue
        path = os.path.join(save_dir, name)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        else:
            os.remove(path)
        removed += 1
    return removed
