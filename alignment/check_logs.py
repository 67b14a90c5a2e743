#!/usr/bin/env python3
"""Fail unless each of a model's four alignment logs ends in `diff check passed`.

Usage: python alignment/check_logs.py alignment/<Folder>
reprod_log's report() never raises, so pass/fail exists only as the log's last line.
"""
import sys
from pathlib import Path

LOGS = ("forward_diff.log", "metric_diff.log", "loss_diff.log", "bp_align_diff.log")


def last_line(path: Path) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return lines[-1].strip() if lines else ""


def main(folder: str) -> int:
    root = Path(folder)
    failed = 0
    for name in LOGS:
        found = sorted(root.rglob(name))
        if not found:
            print(f"FAIL {root}/**/{name}: not written")
            failed += 1
            continue
        line = last_line(found[0])
        ok = line.endswith("diff check passed")
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {found[0]}: {line[-60:]}")
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python alignment/check_logs.py alignment/<Folder>")
    sys.exit(main(sys.argv[1]))
