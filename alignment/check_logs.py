#!/usr/bin/env python3
"""Fail unless each of a model's six alignment logs ends in `diff check passed`.

Usage: python alignment/check_logs.py <dir>   (alignment/<Folder>, or the $ALIGN_OUT of a run)
       python alignment/check_logs.py --table   rewrite the figures table of alignment/README.md
reprod_log's report() never raises, so pass/fail exists only as each log's last line.
"""
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
FOLDERS = ["STGCN_fsd10", "PaddlePoseC3D", "paddle_EfficientGCN", "PaddleMVF", "MoveNet"]
VALUE = re.compile(r"value: ([-+0-9.eE]+|nan|inf)")

# step directory -> the diff log its check_step<N>.py writes
LOGS = {
    "step0_data": "data_diff.log",
    "step1_forward": "forward_diff.log",
    "step2_metric": "metric_diff.log",
    "step3_loss": "loss_diff.log",
    "step4_backward": "bp_align_diff.log",
    "step5_train_mode": "train_mode_diff.log",
}


def last_line(path: Path) -> str:
    lines = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    return lines[-1].strip() if lines else ""


def main(folder: str) -> int:
    root = Path(folder)
    failed = 0
    for step, name in LOGS.items():
        log = root / step / name
        if not log.is_file():
            print(f"FAIL {log}: not written")
            failed += 1
            continue
        line = last_line(log)
        ok = line.endswith("diff check passed")
        failed += not ok
        print(f"{'ok  ' if ok else 'FAIL'} {log}: {line.split('INFO: ')[-1][-60:]}")
    return 1 if failed else 0


def largest_value(log: Path) -> str:
    """The largest diff a log reports (each key's `value:`), formatted for the table."""
    if not log.is_file():
        return "not run"
    values = [float(v) for v in VALUE.findall(log.read_text(encoding="utf-8", errors="replace"))]
    if not values:
        return "no values"
    worst = max(values)
    mark = "" if last_line(log).endswith("diff check passed") else " FAIL"
    return ("0" if worst == 0 else f"{worst:.1e}") + mark


def table() -> int:
    """Rewrite the table between the markers of alignment/README.md from the committed logs."""
    head = "| model | " + " | ".join(LOGS) + " |"
    rows = [head, "|" + " --- |" * (len(LOGS) + 1)]
    for folder in FOLDERS:
        cells = [largest_value(HERE / folder / step / name) for step, name in LOGS.items()]
        rows.append(f"| [{folder}]({folder}) | " + " | ".join(cells) + " |")
    readme = HERE / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- figures:start -->", "<!-- figures:end -->"
    if start not in text or end not in text:
        print(f"error: {readme} has no {start} / {end} markers")
        return 1
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    readme.write_text(before + start + "\n" + "\n".join(rows) + "\n" + end + after, encoding="utf-8")
    print("\n".join(rows))
    return 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--table"]:
        sys.exit(table())
    if len(sys.argv) != 2:
        sys.exit("usage: python alignment/check_logs.py <alignment/<Folder> or $ALIGN_OUT>")
    sys.exit(main(sys.argv[1]))
