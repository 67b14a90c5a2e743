"""Export of the shared trained checkpoint with no --config (its config.yaml), Paddle Inference (< 1e-5) and ONNX
Runtime (< 1e-4) against dygraph with dynamic batch and time, and infer.py's contract: every prediction printed
with its class name (also with --enable_benchmark), --save_results json, the export's config by default, and no
Paddle noise on the terminal (issue 17)."""
import json
import os

import numpy as np
import paddle
import paddle.nn.functional as F
import pytest
from conftest import load_script, model_cfg, quiet, run_script

from datasets.mini import CLASS_NAMES
from models import build_model
from utils.checkpoint import load_pretrained
from utils.config import load_config


@pytest.fixture(scope="module")
def exported(trained, tmp_path_factory):
    """The shared trained best model, exported (with ONNX) from the checkpoint alone."""
    out = tmp_path_factory.mktemp("export") / "inference"
    quiet(load_script("export_model").main, [f"--model_path={trained.best}", f"--save_dir={out}", "--onnx=True"])
    cfg = load_config(str(out / "config.yaml"))
    model = build_model(cfg["model"])
    load_pretrained(model, trained.best)
    model.eval()
    return model, out


def test_export_writes_the_model_and_its_config(exported, trained):
    _, out = exported
    assert sorted(os.listdir(out)) == ["config.yaml", "model.json", "model.onnx", "model.pdiparams"]
    assert load_config(str(out / "config.yaml")) == load_config(str(trained.save_dir / "best_model" / "config.yaml"))


def paddle_inference(model_dir, x, mkldnn):
    from paddle import inference
    config = inference.Config(str(model_dir / "model.json"), str(model_dir / "model.pdiparams"))
    config.disable_gpu()
    config.enable_mkldnn() if mkldnn else config.disable_mkldnn()
    config.disable_glog_info()
    predictor = inference.create_predictor(config)
    handle = predictor.get_input_handle(predictor.get_input_names()[0])
    handle.reshape(x.shape)
    handle.copy_from_cpu(x)
    predictor.run()
    return predictor.get_output_handle(predictor.get_output_names()[0]).copy_to_cpu()


@pytest.mark.parametrize("shape", [(1, 2, 4, 25, 1), (3, 2, 40, 25, 1)])
def test_paddle_inference_parity_dynamic_batch_and_time(exported, shape):
    model, model_dir = exported
    x = np.random.RandomState(sum(shape)).uniform(-1, 1, shape).astype("float32")
    ref = F.softmax(model(paddle.to_tensor(x)), axis=-1).numpy()
    for mkldnn in (False, True):
        out = paddle_inference(model_dir, x, mkldnn)
        assert out.shape == (shape[0], 5)
        assert np.abs(out - ref).max() < 1e-5


@pytest.mark.parametrize("shape", [(1, 2, 4, 25, 1), (2, 2, 33, 25, 1)])
def test_onnx_parity_dynamic_batch_and_time(exported, shape):
    import onnxruntime
    model, model_dir = exported
    x = np.random.RandomState(sum(shape)).uniform(-1, 1, shape).astype("float32")
    ref = F.softmax(model(paddle.to_tensor(x)), axis=-1).numpy()
    session = onnxruntime.InferenceSession(str(model_dir / "model.onnx"), providers=["CPUExecutionProvider"])
    out = session.run(None, {session.get_inputs()[0].name: x})[0]
    assert np.abs(out - ref).max() < 1e-4


@pytest.mark.parametrize("backend", ["paddle", "onnxruntime"])
def test_infer_prints_and_saves_every_prediction(exported, trained, backend, tmp_path, capsys):
    """No --config: the export's config.yaml gives the pipeline and the class names (the mini data's 5)."""
    _, model_dir = exported
    input_file = os.path.join(trained.root, "test_A_data.npy")
    results = load_script("infer").main([f"--model_dir={model_dir}", f"--input_file={input_file}", "-b", "4",
                                         f"--backend={backend}", "--enable_mkldnn=False",
                                         f"--save_results={tmp_path / 'r.json'}"])
    out = capsys.readouterr().out
    assert out.count("Current video file: test_A_data.npy[") == 6 == len(results)
    assert out.count("\ttop-1 class name: ") == 6 and out.count("\ttop-5: ") == 6
    saved = json.load(open(tmp_path / "r.json"))
    assert saved["backend"] == backend and saved["results"] == results
    first = results[0]
    assert first["class_name"] == CLASS_NAMES[first["class_id"]] and first["top5_ids"][0] == first["class_id"]
    assert sorted(first["top5_ids"]) == [0, 1, 2, 3, 4] and abs(sum(first["top5_scores"]) - 1) < 1e-5
    data = np.load(input_file)
    model, _ = exported
    from datasets.transforms import build_transforms
    transform = build_transforms(load_config(str(model_dir / "config.yaml")))
    ref = F.softmax(model(paddle.to_tensor(np.stack([transform(s) for s in data]))), axis=-1).numpy()
    np.testing.assert_allclose([r["top5_scores"] for r in results], -np.sort(-ref, axis=1), atol=1e-4)


def test_infer_benchmark_still_prints_predictions(exported, trained, capsys):
    _, model_dir = exported
    load_script("infer").main([f"--model_file={model_dir / 'model.pdmodel'}", "--enable_benchmark=True",
                               f"--params_file={model_dir / 'model.pdiparams'}",
                               f"--input_file={os.path.join(trained.root, 'example_sample.npy')}"])
    out = capsys.readouterr().out
    assert out.count("Current video file: example_sample.npy[0]") == 1
    for field in ("Perf info", "inference_time(ms)", "cpu_rss(MB)", "data_num: 11"):
        assert field in out
    assert out.index("top-1 class name") < out.index("Perf info")  # the report comes last


def test_infer_is_quiet_unless_verbose(exported, trained):
    """Issue 17: no "No ccache found" warning, no Paddle pass names (glog or the oneDNN passes' own prints)."""
    _, model_dir = exported
    argv = ["infer.py", f"--model_dir={model_dir}", f"--input_file={os.path.join(trained.root, 'example_sample.npy')}",
            "--enable_mkldnn=True", "--backend=paddle"]
    result = run_script(*argv)
    assert result.returncode == 0, result.stderr[-2000:]
    text = result.stdout + result.stderr
    assert "ccache" not in text and "pass" not in text.lower() and "OneDNN" not in text, text[-2000:]
    assert "\ttop-1 class name: " in result.stdout


def test_backend_auto_runs_onnxruntime_when_the_export_has_it(exported, trained, tmp_path, capsys):
    """Issue 14: the default backend is the fastest one here (ONNX Runtime), Paddle Inference without model.onnx."""
    import shutil
    _, model_dir = exported
    sample = os.path.join(trained.root, "example_sample.npy")
    load_script("infer").main([f"--model_dir={model_dir}", f"--input_file={sample}"])
    assert capsys.readouterr().out.startswith("Inference model(STGCN) with ONNX Runtime, fp32...")
    bare = tmp_path / "bare"
    shutil.copytree(model_dir, bare, ignore=shutil.ignore_patterns("*.onnx"))
    load_script("infer").main([f"--model_dir={bare}", f"--input_file={sample}"])
    assert capsys.readouterr().out.startswith("Inference model(STGCN) with Paddle Inference, fp32, oneDNN on...")


def test_int8_quantised_model_agrees_with_fp32(exported, trained, mini_root, tmp_path):
    """Issue 16: tools/quantize.py on the lite-trained export, infer.py --precision int8 on ONNX Runtime; top-1
    agreement with fp32 over the mini training file (140 samples) >= 0.95."""
    import shutil
    _, model_dir = exported
    work = tmp_path / "export"
    shutil.copytree(model_dir, work)
    data = os.path.join(mini_root, "train_data.npy")
    quiet(load_script("tools/quantize").main, [f"--model_dir={work}", f"--calib_data={data}", "--num_calib=32"])
    assert (work / "model_int8.onnx").is_file() and not [n for n in os.listdir(work) if n.startswith(".")]
    infer = load_script("infer").main
    fp32 = quiet(infer, [f"--model_dir={work}", f"--input_file={data}", "-b", "16", "--backend=onnxruntime"])
    int8 = quiet(infer, [f"--model_dir={work}", f"--input_file={data}", "-b", "16", "--precision=int8"])
    agree = np.mean([a["class_id"] == b["class_id"] for a, b in zip(fp32, int8)])
    assert len(int8) == 140 and agree >= 0.95, agree


@pytest.mark.parametrize("flags, message", [
    (["--precision=fp16"], "--precision fp16 on CPU, this CPU has no fp16 arithmetic"),
    (["--backend=paddle", "--precision=int8"], "--backend paddle --precision int8 on CPU"),
    (["--precision=int8"], "int8 model not found"),
])
def test_precision_refusals_are_one_line(exported, trained, flags, message, capsys):
    from conftest import user_error_line
    _, model_dir = exported
    sample = os.path.join(trained.root, "example_sample.npy")
    line = user_error_line(load_script("infer").main, [f"--model_dir={model_dir}", f"--input_file={sample}", *flags],
                           capsys)
    assert message in line


def test_bf16_only_with_cpu_support(exported, trained, capsys, monkeypatch):
    from conftest import user_error_line
    infer = load_script("infer")
    monkeypatch.setattr(infer, "cpu_has_bf16", lambda: False)
    _, model_dir = exported
    sample = os.path.join(trained.root, "example_sample.npy")
    line = user_error_line(infer.main, [f"--model_dir={model_dir}", f"--input_file={sample}", "--precision=bf16"],
                           capsys)
    assert "neither avx512_bf16 nor amx_bf16" in line


def test_folded_graph_bn_equals_the_model():
    """utils/export.fold_graph_bn (tcn.0's BatchNorm folded into the graph conv, the exported form) against the
    unfolded eval model of models/stgcn.py, with non-trivial running statistics: the same outputs to float32
    rounding, in dygraph and as a static graph."""
    from utils.export import ChannelShift, fold_graph_bn
    paddle.seed(1)
    model = build_model(model_cfg(num_classes=7))
    rng = np.random.RandomState(0)
    for block in model.backbone.st_gcn_networks:
        bn = block.tcn[0]
        c = bn.weight.shape[0]
        bn._mean.set_value(rng.uniform(-0.5, 0.5, c).astype("float32"))
        bn._variance.set_value(rng.uniform(0.2, 3, c).astype("float32"))
        bn.bias.set_value(rng.uniform(-0.5, 0.5, c).astype("float32"))
    model.eval()
    x = paddle.to_tensor(rng.uniform(-1, 1, (2, 2, 30, 25, 1)).astype("float32"))
    with paddle.no_grad():
        ref = model(x).numpy()
        fold_graph_bn(model.backbone)
        assert all(isinstance(b.tcn[0], ChannelShift) for b in model.backbone.st_gcn_networks)
        folded = model(x).numpy()
        static = paddle.jit.to_static(model, full_graph=True)(x).numpy()
    tol = 1e-5 * np.abs(ref).max()
    assert np.abs(folded - ref).max() <= tol
    assert np.abs(static - ref).max() <= tol
