from types import SimpleNamespace

import numpy as np
import paddle
import pytest

from export_model import export
from infer import Predictor
from models import build_model


@pytest.fixture(scope='module')
def exported(lite_cfg, tmp_path_factory):
    paddle.seed(3)
    model = build_model(lite_cfg)
    with paddle.no_grad():  # a visible classifier so that the softmax outputs differ between samples
        model.classifier.fc.weight.set_value(paddle.randn(model.classifier.fc.weight.shape) * 0.3)
    d = tmp_path_factory.mktemp('export')
    paddle.save(model.state_dict(), str(d / 'm.pdparams'))
    export(lite_cfg, str(d / 'm.pdparams'), str(d / 'inference'), onnx=True)
    model.eval()
    x = np.random.RandomState(0).randn(3, *lite_cfg['data_shape']).astype('float32')
    with paddle.no_grad():
        ref = paddle.nn.functional.softmax(model(paddle.to_tensor(x)), -1).numpy()
    return d / 'inference', x, ref


def args(model_dir, **kw):
    base = dict(model_file=None, params_file=None, model_dir=str(model_dir), use_gpu=False, enable_mkldnn=False,
                cpu_threads=1, use_tensorrt=False, precision='fp32', ir_optim=True, gpu_mem=1000, batch_size=3,
                backend='paddle')
    base.update(kw)
    return SimpleNamespace(**base)


@pytest.mark.parametrize('mkldnn', [False, True])
def test_paddle_inference_parity_dynamic_batch(exported, mkldnn):
    model_dir, x, ref = exported
    pred = Predictor(args(model_dir, enable_mkldnn=mkldnn))
    assert np.abs(pred.run(x) - ref).max() < 1e-5
    assert np.abs(pred.run(x[:1]) - ref[:1]).max() < 1e-5  # another batch size, same model
    assert ref.std(0).max() > 1e-3  # the check is not trivially satisfied by constant outputs


def test_onnx_parity(exported):
    model_dir, x, ref = exported
    pred = Predictor(args(model_dir, backend='onnxruntime'))
    assert np.abs(pred.run(x) - ref).max() < 1e-4
