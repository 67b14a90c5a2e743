"""issue 14: `--backend auto` picks, for fp32 on CPU, the path bench/results.json (tools/benchmark.py, committed)
measured faster for this model; int8 always runs ONNX Runtime."""
import json
import os

import pytest
from conftest import ROOT

from utils.inference import AUTO_FP32, Options, choose_backend

BENCH = os.path.join(ROOT, "bench", "results.json")


def test_auto_fp32_is_the_faster_measured_path():
    if not os.path.isfile(BENCH):
        pytest.skip("no bench/results.json (run tools/benchmark.py)")
    with open(BENCH, encoding="utf-8") as f:
        lat = json.load(f)["latency_ms"]
    chosen = lat["paddle_inference_onednn" if AUTO_FP32 == "paddle" else "onnxruntime"]
    other = lat["onnxruntime" if AUTO_FP32 == "paddle" else "paddle_inference_onednn"]
    # at every measured thread count the default is the faster path, or within 10 % of it (the noise of one run on a
    # shared machine)
    for threads in chosen:
        assert chosen[threads] <= 1.1 * other[threads], (threads, chosen[threads], other[threads])


def test_auto_choices(tmp_path):
    assert choose_backend(Options(precision="int8"), str(tmp_path)) == "onnxruntime"
    assert choose_backend(Options(backend="paddle", precision="int8"), str(tmp_path)) == "paddle"
    assert choose_backend(Options(use_gpu=True), str(tmp_path)) == "paddle"
    (tmp_path / "model.onnx").write_bytes(b"")
    assert choose_backend(Options(), str(tmp_path)) == AUTO_FP32
