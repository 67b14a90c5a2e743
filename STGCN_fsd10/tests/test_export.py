"""Export with dynamic batch and time: Paddle Inference (< 1e-5) and ONNX Runtime (< 1e-4) match dygraph."""
import os

import numpy as np
import paddle
import paddle.nn.functional as F
import pytest
import yaml

from conftest import LITE_CONFIG, run_script
from models import build_model


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A seeded random lite model, its checkpoint and its export (with ONNX)."""
    tmp = tmp_path_factory.mktemp("export")
    cfg = yaml.safe_load(open(LITE_CONFIG))
    paddle.seed(3)
    model = build_model(cfg["model"])
    # train-mode BN statistics are not trivial after one forward in train mode
    model.train()
    model(paddle.randn([4, 2, 16, 25, 1]))
    model.eval()
    ckpt = str(tmp / "model.pdparams")
    paddle.save(model.state_dict(), ckpt)
    result = run_script("export_model.py", f"--config={LITE_CONFIG}", f"--model_path={ckpt}",
                        f"--save_dir={tmp / 'inference'}", "--onnx=True")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "Model is saved in" in result.stdout
    return model, tmp / "inference"


def paddle_inference(model_dir, x, mkldnn):
    from paddle import inference
    config = inference.Config(str(model_dir / "model.json"), str(model_dir / "model.pdiparams"))
    config.disable_gpu()
    config.enable_mkldnn() if mkldnn else config.disable_mkldnn()
    predictor = inference.create_predictor(config)
    handle = predictor.get_input_handle(predictor.get_input_names()[0])
    handle.reshape(x.shape)
    handle.copy_from_cpu(x)
    predictor.run()
    return predictor.get_output_handle(predictor.get_output_names()[0]).copy_to_cpu()


@pytest.mark.parametrize("shape", [(1, 2, 16, 25, 1), (3, 2, 40, 25, 1)])
def test_paddle_inference_parity_dynamic_batch_and_time(exported, shape):
    model, model_dir = exported
    x = np.random.RandomState(sum(shape)).uniform(-1, 1, shape).astype("float32")
    ref = F.softmax(model(paddle.to_tensor(x)), axis=-1).numpy()
    for mkldnn in (False, True):
        out = paddle_inference(model_dir, x, mkldnn)
        assert out.shape == (shape[0], 5)
        assert np.abs(out - ref).max() < 1e-5


@pytest.mark.parametrize("shape", [(1, 2, 16, 25, 1), (2, 2, 33, 25, 1)])
def test_onnx_parity_dynamic_batch_and_time(exported, shape):
    import onnxruntime
    model, model_dir = exported
    x = np.random.RandomState(sum(shape)).uniform(-1, 1, shape).astype("float32")
    ref = F.softmax(model(paddle.to_tensor(x)), axis=-1).numpy()
    session = onnxruntime.InferenceSession(str(model_dir / "model.onnx"), providers=["CPUExecutionProvider"])
    out = session.run(None, {session.get_inputs()[0].name: x})[0]
    assert np.abs(out - ref).max() < 1e-4


def test_infer_script_prints_per_sample(exported, tiny_root):
    _, model_dir = exported
    for backend in ("paddle", "onnxruntime"):
        result = run_script("infer.py", f"--config={LITE_CONFIG}", f"--model_dir={model_dir}", "--batch_size=2",
                            f"--input_file={os.path.join(tiny_root, 'test_A_data.npy')}", f"--backend={backend}",
                            "--enable_mkldnn=False")
        assert result.returncode == 0, result.stderr[-2000:]
        assert "Inference model(STGCN)..." in result.stdout
        assert result.stdout.count("Current video file: test_A_data.npy[") == 4
        assert result.stdout.count("\ttop-1 class: ") == 4


def test_infer_benchmark_report(exported, tiny_root):
    _, model_dir = exported
    result = run_script("infer.py", f"--config={LITE_CONFIG}", f"--model_file={model_dir / 'model.pdmodel'}",
                        f"--params_file={model_dir / 'model.pdiparams'}", "--enable_benchmark=True",
                        f"--input_file={os.path.join(tiny_root, 'example_sample.npy')}")
    assert result.returncode == 0, result.stderr[-2000:]
    for field in ("Perf info", "inference_time(ms)", "cpu_rss(MB)", "data_num: 10"):
        assert field in result.stdout
