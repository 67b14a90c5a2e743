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
    paddle, ort = lat["paddle_inference_onednn"], lat["onnxruntime"]
    faster = {t: "paddle" if paddle[t] <= ort[t] else "onnxruntime" for t in paddle if t in ort}
    # the default follows the thread count infer.py uses by default (1); the README states the 2-thread figure too
    assert AUTO_FP32 == faster["1"], faster


def test_auto_choices(tmp_path):
    assert choose_backend(Options(precision="int8"), str(tmp_path)) == "onnxruntime"
    assert choose_backend(Options(backend="paddle", precision="int8"), str(tmp_path)) == "paddle"
    assert choose_backend(Options(use_gpu=True), str(tmp_path)) == "paddle"
    (tmp_path / "model.onnx").write_bytes(b"")
    assert choose_backend(Options(), str(tmp_path)) == AUTO_FP32
