"""issue 16: real int8 on CPU through ONNX Runtime (tools/quantize.py -> model_int8.onnx, infer.py/test.py
--precision int8), and issue 14's fast path of test.py --model_dir (the exported model, not dygraph)."""
import os
import shutil

import numpy as np
import pytest
from conftest import cli, one_error_line, script

infer = script("infer")
test_script = script("test")
quantize = script("tools/quantize")

pytest.importorskip("onnxruntime")


@pytest.fixture(scope="module")
def int8_export(lite_export, mini_pkl, tmp_path_factory):
    """A copy of the lite export (the shared one stays unquantised) with model_int8.onnx, calibrated on 32 views
    of the mini training data through the folder's own test pipeline."""
    out = str(tmp_path_factory.mktemp("int8") / "export")
    shutil.copytree(lite_export, out)
    assert cli(quantize.main, "--model_dir", out, "--calib_data", mini_pkl, "--num_calib", "32") == 0
    return out


def test_int8_agrees_with_fp32_on_the_lite_test_split(int8_export, mini_pkl, tmp_path, capsys):
    scores = {}
    for precision in ("fp32", "int8"):
        save = tmp_path / precision
        assert cli(test_script.main, "--dataset_root", mini_pkl, "--model_dir", int8_export, "--backend",
                   "onnxruntime", "--precision", precision, "--save_dir", save, "--cpu_threads", "1") == 0
        scores[precision] = np.load(save / "scores.npz")["scores"]
    out = capsys.readouterr().out
    assert "with ONNX Runtime (int8" in out and "with ONNX Runtime (fp32" in out
    fp32, int8 = scores["fp32"], scores["int8"]
    agreement = float((fp32.argmax(1) == int8.argmax(1)).mean())
    print(f"int8 vs fp32: top-1 agreement {agreement:.3f} on {len(fp32)} videos, max |d softmax| "
          f"{np.abs(fp32 - int8).max():.4f}")
    assert agreement >= 0.9 and np.abs(fp32 - int8).max() < 0.25


def test_infer_int8_runs_the_quantised_model(int8_export, mini_pkl, capsys):
    fixed = os.path.join(os.path.dirname(mini_pkl), "fixed_input.pkl")
    assert cli(infer.main, "--model_dir", int8_export, "--input_file", fixed, "--precision", "int8") == 0
    out = capsys.readouterr().out
    assert "model_int8.onnx) with ONNX Runtime (int8" in out and out.count("Current video file: ") == 4


def test_quantize_without_onnx_is_one_line(tmp_path, mini_pkl, capsys):
    assert cli(quantize.main, "--model_dir", tmp_path, "--calib_data", mini_pkl) == 2
    assert "no model.onnx in" in one_error_line(capsys)


def test_test_py_on_the_export_matches_dygraph(lite_run, lite_export, mini_pkl, tmp_path, capsys):
    """test.py --model_dir (Paddle Inference, oneDNN: the default fast path) gives the dygraph checkpoint's
    scores (the export folds BN into conv: same function)."""
    weights = os.path.join(lite_run[0], "best_model", "model.pdparams")
    assert cli(test_script.main, "--dataset_root", mini_pkl, "--pretrained", weights, "--save_dir",
               tmp_path / "dy") == 0
    assert cli(test_script.main, "--dataset_root", mini_pkl, "--model_dir", lite_export, "--save_dir",
               tmp_path / "ex") == 0
    out = capsys.readouterr().out
    assert "Dygraph model(" in out and "with Paddle Inference (oneDNN on" in out and "s/video" in out
    dy, ex = (np.load(tmp_path / d / "scores.npz") for d in ("dy", "ex"))
    assert np.abs(dy["scores"] - ex["scores"]).max() < 1e-5 and (dy["labels"] == ex["labels"]).all()
