"""tools/plot_log.py reads train.py's log lines (the notebook's training curves)."""
import os

import pytest
from conftest import load_script

from utils.common import UserError

LOG = """[2026/11/30 17:36:36] train 120 samples (1 card(s)), val 20, window 8, 4 epochs x 15 iters
[2026/11/30 17:36:43] [TRAIN] epoch: 1/2, iter: 5/10, loss: 1.9337, lr: 0.010000, top1: 0.1250, reader_cost: 0.003 s
[2026/11/30 17:36:50] [TRAIN] epoch: 1/2, iter: 10/10, loss: 1.5000, lr: 0.010000, top1: 0.5000, reader_cost: 0.002 s
[2026/11/30 17:36:59] [EVAL] epoch: 1, top1: 0.2500, top5: 1.0000, mean_class_acc: 0.2000
[2026/11/30 17:37:03] [TRAIN] epoch: 2/2, iter: 5/10, loss: 0.9000, lr: 0.005000, top1: 0.7500, reader_cost: 0.003 s
"""


def test_read_log_and_plot(tmp_path):
    tool = load_script("tools/plot_log")
    log = tmp_path / "train.log"
    log.write_text(LOG)
    curves = tool.read_log(str(log))
    assert curves["step"] == [0.5, 1.0, 1.5] and curves["loss"] == [1.9337, 1.5, 0.9]
    assert curves["lr"] == [0.01, 0.01, 0.005] and curves["epoch"] == [1] and curves["val_top1"] == [0.25]
    out = tool.main(["--log", str(log), "--out", str(tmp_path / "c.png")])
    assert open(out, "rb").read(4) == b"\x89PNG" and sorted(os.listdir(tmp_path)) == ["c.png", "train.log"]
    empty = tmp_path / "empty.log"
    empty.write_text("nothing\n")
    with pytest.raises(UserError, match="no \\[TRAIN\\] lines"):
        tool.read_log(str(empty))
