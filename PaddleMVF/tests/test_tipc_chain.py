"""The TIPC chain (test_tipc/test_train_inference_python.sh with common_func.sh and
compare_results.py) builds its commands from the config, picks values by mode, and fails on a
wrong result. Copied on purpose into every model folder (`make check-copies`).

The chain runs here with a stand-in interpreter that records every command and writes the
committed expected results wherever infer.py would write its predictions; compare_results.py
runs for real. The real commands run in `make tipc-all`.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

FOLDER = Path(__file__).resolve().parents[1]
CONFIG = sorted(FOLDER.glob("test_tipc/configs/*/train_infer_python.txt"))[0]
STUB = r"""#!/usr/bin/env bash
echo "$*" >> "${TIPC_FAKE_LOG}"
case "$1" in
    -) exit 1 ;;                                           # gpu_available(): no GPU here
    *compare_results.py) exec "${TIPC_REAL_PYTHON}" "$@" ;;
esac
for arg in "$@"; do
    case "${arg}" in --save_results=*) cp "${TIPC_FAKE_RESULTS}" "${arg#--save_results=}" ;; esac
done
"""


def config_lines() -> list:
    return [line for line in CONFIG.read_text(encoding="utf-8").splitlines() if line.strip()]


def set_value(lines: list, index: int, value: str) -> list:
    key = lines[index].split(":", 1)[0]
    return lines[:index] + [f"{key}:{value}"] + lines[index + 1:]


def run_chain(tmp_path: Path, lines: list, mode: str) -> tuple:
    """Run the chain on `lines` (a config) in `mode`; (exit status, recorded commands, results log)."""
    name = f"chaintest_{os.getpid()}"
    lines = set_value(lines, 1, name)  # its own output directory
    config = tmp_path / "train_infer_python.txt"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    stub = tmp_path / "python"
    stub.write_text(STUB, encoding="utf-8")
    stub.chmod(0o755)
    # the stand-in infer.py "predicts" exactly the committed expected results
    committed = FOLDER / config_lines()[54].split(":", 1)[1]
    env = dict(os.environ, PYTHON=str(stub), TIPC_FAKE_LOG=str(tmp_path / "commands.txt"),
               TIPC_REAL_PYTHON=sys.executable, TIPC_FAKE_RESULTS=str(committed))
    try:
        done = subprocess.run(["bash", "test_tipc/test_train_inference_python.sh", str(config), mode], cwd=FOLDER,
                              env=env, capture_output=True, text=True, timeout=300)
        results = FOLDER / "test_tipc" / "output" / name / mode / "results_python.log"
        log = results.read_text(encoding="utf-8") if results.exists() else ""
    finally:
        subprocess.run(["rm", "-rf", str(FOLDER / "test_tipc" / "output" / name)])
    commands = (tmp_path / "commands.txt").read_text(encoding="utf-8").splitlines()
    return done.returncode, commands, log


def mode_values(line: str) -> dict:
    return dict(choice.split("=", 1) for choice in line.split(":", 1)[1].split("|"))


def test_the_epochs_of_each_mode_reach_the_train_command(tmp_path):
    lines = config_lines()
    epoch_key = lines[6].split(":", 1)[0]
    values = mode_values(lines[6])
    values["lite_train_lite_infer"] = "7"
    values["lite_train_whole_infer"] = "5"
    lines = set_value(lines, 6, "|".join(f"{m}={v}" for m, v in values.items()))
    for mode, epochs in (("lite_train_lite_infer", "7"), ("lite_train_whole_infer", "5")):
        status, commands, log = run_chain(tmp_path, lines, mode)
        train = [c for c in commands if c.startswith(lines[15].split(":", 1)[1].split()[0])]
        assert status == 0, log
        assert len(train) == 1 and f"{epoch_key}={epochs}" in train[0].split(), train
        (tmp_path / "commands.txt").unlink()


def test_whole_infer_trains_nothing_and_exports_the_given_checkpoint(tmp_path):
    lines = config_lines()
    status, commands, log = run_chain(tmp_path, lines, "whole_infer")
    train_script = lines[15].split(":", 1)[1].split()[0]
    assert status == 0, log
    assert not [c for c in commands if c.startswith(train_script)]
    checkpoint = lines[36].split(":", 1)[1].split("|")[0].split("=")[-1]
    assert any(checkpoint in c for c in commands if c.startswith(lines[37].split(":", 1)[1].split()[0]))


def test_a_wrong_expected_result_fails_the_chain(tmp_path):
    lines = config_lines()
    expected = FOLDER / lines[54].split(":", 1)[1]
    text = expected.read_text(encoding="utf-8")
    # one predicted value off: the first number of the first prediction's last field
    data = json.loads(text)
    entry = data["results"][0]
    field = [k for k in entry if k != "name" and isinstance(entry[k], (int, float, list))][-1]
    value = entry[field]
    while isinstance(value, list):
        holder, value = value, value[0]
    if isinstance(entry[field], list):
        holder[0] = value + 0.5 if isinstance(value, float) else value + 1
    else:
        entry[field] = value + 0.5 if isinstance(value, float) else value + 1
    wrong = tmp_path / "wrong_expected.json"
    wrong.write_text(json.dumps(data), encoding="utf-8")
    status, _, log = run_chain(tmp_path, set_value(lines, 54, str(wrong)), "lite_train_lite_infer")
    assert status == 1
    assert "Run failed with command" in log and "compare_results.py" in log


def test_an_unknown_mode_is_refused_with_one_line():
    done = subprocess.run(["bash", "test_tipc/test_train_inference_python.sh", str(CONFIG), "lite_train"],
                          cwd=FOLDER, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().startswith("error: unknown mode") and len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("index,key", [(1, "model_name"), (14, "trainer"), (15, "norm_train"), (23, "eval"),
                                       (29, "norm_export"), (39, "inference"), (46, "--model_file"),
                                       (47, "--input_file"), (50, "--params_file")])
def test_the_config_keeps_the_51_line_layout(index, key):
    assert config_lines()[index].split(":", 1)[0] == key
