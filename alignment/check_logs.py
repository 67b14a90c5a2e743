#!/usr/bin/env python3
"""Fail unless each of a model's six alignment logs ends in `diff check passed`.

Usage: python alignment/check_logs.py <dir>   (alignment/<Folder>, or the $ALIGN_OUT of a run)
reprod_log's report() never raises, so pass/fail exists only as each log's last line.
"""
import sys
from pathlib import Path

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


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python alignment/check_logs.py <alignment/<Folder> or $ALIGN_OUT>")
    sys.exit(main(sys.argv[1]))
