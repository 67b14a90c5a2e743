import copy
import os
import shutil
from types import SimpleNamespace

import numpy as np
import paddle
import pytest
import yaml
from conftest import cli, error_line, write_cfg
from export_model import export
from infer import Predictor

from models import build_model


@pytest.fixture(scope='module')
def exported(lite_cfg, tmp_path_factory):
    """The lite B0 as an x-view model (dataset_args.transform True, like the official config 2002)."""
    cfg = copy.deepcopy(lite_cfg)
    cfg['dataset'] = 'ntu-xview'
    cfg['dataset_args']['transform'] = True
    paddle.seed(3)
    model = build_model(cfg)
    with paddle.no_grad():  # a visible classifier so that the softmax outputs differ between samples
        model.classifier.fc.weight.set_value(paddle.randn(model.classifier.fc.weight.shape) * 0.3)
    d = tmp_path_factory.mktemp('export')
    paddle.save(model.state_dict(), str(d / 'm.pdparams'))
    export(cfg, str(d / 'm.pdparams'), str(d / 'inference'), onnx=True)
    write_cfg(d / 'xview.yaml', cfg)
    model.eval()
    x = np.random.RandomState(0).randn(3, *cfg['data_shape']).astype('float32')
    with paddle.no_grad():
        ref = paddle.nn.functional.softmax(model(paddle.to_tensor(x)), -1).numpy()
    return SimpleNamespace(dir=d / 'inference', x=x, ref=ref, model=model, cfg=cfg, root=d)


def args(model_dir, **kw):
    base = dict(model_file=None, params_file=None, model_dir=str(model_dir), use_gpu=False, enable_mkldnn=False,
                cpu_threads=1, use_tensorrt=False, precision='fp32', ir_optim=True, gpu_mem=1000, batch_size=3,
                backend='paddle', onnx_file=None, verbose=False)
    base.update(kw)
    return SimpleNamespace(**base)


@pytest.mark.parametrize('mkldnn', [False, True])
def test_paddle_inference_parity_dynamic_batch(exported, mkldnn):
    pred = Predictor(args(exported.dir, enable_mkldnn=mkldnn))
    assert np.abs(pred.run(exported.x) - exported.ref).max() < 1e-5
    assert np.abs(pred.run(exported.x[:1]) - exported.ref[:1]).max() < 1e-5  # another batch size, same model
    assert exported.ref.std(0).max() > 1e-3  # the check is not trivially satisfied by constant outputs


def test_onnx_parity(exported):
    pred = Predictor(args(exported.dir, backend='onnxruntime'))
    assert np.abs(pred.run(exported.x) - exported.ref).max() < 1e-4


def _dygraph_prob(exported, sample):
    from datasets.transforms import Compose, MultiInput, TakeFirstFrames
    x = Compose([TakeFirstFrames(exported.cfg['data_shape'][2]), MultiInput('JVB')])(sample)
    with paddle.no_grad():
        return paddle.nn.functional.softmax(exported.model(paddle.to_tensor(x[None])), -1).numpy()[0]


def test_raw_skeleton_inference_applies_the_config_transform(capsys, exported, tmp_path):
    """An x-view model (dataset_args.transform, official configs 2002/...) was trained on skeletons that
    src/reader/ntu_reader.py NTU_Reader.gendata passed through src/reader/transformer.py pre_normalization:
    infer.py and predict.py must pre-normalise a raw .skeleton the same way (the export's config.yaml carries
    the flag)."""
    from datasets.mini import generate_mini
    from datasets.ntu_skeleton import read_sample
    generate_mini(str(tmp_path / 'raw'), seed=5, subjects=(1,), replications=(1,))
    raw = str(tmp_path / 'raw' / 'S001C002P001R001A004.skeleton')  # yawed camera, two people
    assert yaml.safe_load(open(exported.dir / 'config.yaml'))['dataset_args']['transform'] is True
    normalised = _dygraph_prob(exported, read_sample(raw, transform=True)[0])
    plain = _dygraph_prob(exported, read_sample(raw, transform=False)[0])
    assert abs(normalised.max() - plain.max()) > 1e-3  # the top-1 score tells the two inputs apart

    def top1(out):
        return (int(out.split('top-1 class: ')[1].split()[0]), float(out.split('top-1 score: ')[1].split()[0]))

    code, out, err = cli(capsys, 'infer.py', '--model_dir', exported.dir, '--input_file', raw, '--enable_mkldnn',
                         'False')
    assert code == 0, err
    cls, score = top1(out)
    assert cls == int(normalised.argmax()) and abs(score - normalised.max()) < 1e-5
    code, out, err = cli(capsys, 'predict.py', '--config', exported.root / 'xview.yaml', '--pretrained',
                         exported.root / 'm.pdparams', '--input_file', raw, '--device', 'cpu')
    assert code == 0, err
    assert f': class {int(normalised.argmax())} (' in out and f'score {normalised.max():.4f}' in out

    # the same export with an x-sub config (transform False) feeds the skeleton as read
    xsub = tmp_path / 'xsub'
    shutil.copytree(exported.dir, xsub)
    cfg = yaml.safe_load(open(xsub / 'config.yaml'))
    cfg['dataset'], cfg['dataset_args']['transform'] = 'ntu-xsub', False
    write_cfg(xsub / 'config.yaml', cfg)
    code, out, _ = cli(capsys, 'infer.py', '--model_dir', xsub, '--input_file', raw, '--enable_mkldnn', 'False')
    assert code == 0 and abs(top1(out)[1] - plain.max()) < 1e-5
    # an export directory without config.yaml (an older export) cannot tell: one line, pass --config
    os.remove(xsub / 'config.yaml')
    code, _, err = cli(capsys, 'infer.py', '--model_dir', xsub, '--input_file', raw)
    assert code == 2 and 'config.yaml' in error_line(err) and '--config' in error_line(err)
    code, out, _ = cli(capsys, 'infer.py', '--model_dir', xsub, '--input_file', raw, '--config',
                       exported.root / 'xview.yaml', '--enable_mkldnn', 'False')
    assert code == 0 and top1(out)[0] == int(normalised.argmax())


@pytest.mark.parametrize('backend', ['auto', 'paddle'])
def test_predict_model_dir_matches_the_checkpoint(exported, capsys, tmp_path, backend):
    """predict.py --model_dir runs the export (auto: ONNX Runtime, as infer.py) with the checkpoint's answer."""
    raw = np.random.RandomState(5).randn(1, 3, exported.cfg['data_shape'][2], 25, 2).astype('float32')
    np.save(tmp_path / 'one.npy', raw)
    code, ref, err = cli(capsys, 'predict.py', '--input_file', tmp_path / 'one.npy', '--pretrained',
                         exported.root / 'm.pdparams', '--config', exported.root / 'xview.yaml')
    assert code == 0, err
    code, out, err = cli(capsys, 'predict.py', '--input_file', tmp_path / 'one.npy', '--model_dir', exported.dir,
                         '--backend', backend, '--save_vis', 'True', '--save_dir', tmp_path / 'vis')
    assert code == 0, err
    assert out.splitlines()[:2] == ref.splitlines()[:2]  # class, name and score to 4 decimals, the top-5
    assert (tmp_path / 'vis' / 'one.png').exists()


def test_test_model_dir_gives_the_checkpoint_metrics(exported, capsys, mini_root):
    """test.py --model_dir evaluates the export (backend auto) with the checkpoint's metrics on the eval split."""
    common = ('--dataset_root', mini_root, '--device', 'cpu', '--progress', 'False')
    code, ref, err = cli(capsys, 'test.py', '--pretrained', exported.root / 'm.pdparams', '--config',
                         exported.root / 'xview.yaml', *common)
    assert code == 0, err
    code, out, err = cli(capsys, 'test.py', '--model_dir', exported.dir, *common)
    assert code == 0, err
    line = [s for s in ref.splitlines() if s.startswith('[EVAL]')]
    assert line and line == [s for s in out.splitlines() if s.startswith('[EVAL]')]
