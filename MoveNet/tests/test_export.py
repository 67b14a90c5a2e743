import numpy as np
import paddle
import pytest
from conftest import run_script


@pytest.fixture(scope='module')
def exported(tmp_path_factory, lite_run):
    """The lite-trained weights exported as network and as network + decode (both also to ONNX)."""
    from models import MoveNet
    d = tmp_path_factory.mktemp('export')
    net = MoveNet()
    net.set_state_dict(paddle.load(str(lite_run / 'best_model' / 'model.pdparams')))
    net.eval()
    paddle.save(net.state_dict(), str(d / 'w.pdparams'))
    for sub, extra in (('net', []), ('dec', ['--with_decode', 'True'])):
        res = run_script(['export_model.py', '--model_path', str(d / 'w.pdparams'), '--save_dir', str(d / sub),
                          '--onnx', 'True', *extra])
        assert res.returncode == 0, res.stderr[-2000:]
        assert 'Model is saved in' in res.stdout
    return d, net


def _images(root):
    """Two real val crops, preprocessed as infer.py does."""
    import os

    import cv2
    from infer import preprocess
    names = sorted(os.listdir(os.path.join(root, 'imgs')))[:2]
    return np.stack([preprocess(cv2.imread(os.path.join(root, 'imgs', n))) for n in names])


def _infer(args, **kw):
    from infer import Predictor
    ns = dict(model_file=None, params_file=None, model_dir=None, batch_size=2, use_gpu=False, enable_mkldnn=False,
              cpu_threads=1, use_tensorrt=False, precision='fp32', ir_optim=True, gpu_mem=1000, backend='paddle')
    ns.update(kw)
    import argparse
    return Predictor(argparse.Namespace(**ns)).run(args)


@pytest.mark.parametrize('backend, mkldnn, tol', [('paddle', False, 1e-5), ('paddle', True, 1e-4),
                                                  ('onnxruntime', False, 1e-4)])
def test_exported_network_matches_dygraph(exported, mini_root, backend, mkldnn, tol):
    d, net = exported
    x = _images(mini_root)
    with paddle.no_grad():
        ref = [o.numpy() for o in net(paddle.to_tensor(x))]
    got = _infer(x, model_dir=str(d / 'net'), backend=backend, enable_mkldnn=mkldnn)
    assert len(got) == 4
    for g, r in zip(got, ref):
        # regs are in 48-grid cells (|r| up to ~20), so the bound scales with the output's magnitude
        assert np.abs(g - r).max() < tol * max(1.0, np.abs(r).max())


def test_exported_decode_graph_matches_library_decode(exported, mini_root):
    from models.decode import decode_outputs
    d, net = exported
    x = _images(mini_root)
    maps = _infer(x, model_dir=str(d / 'net'))
    for backend in ('paddle', 'onnxruntime'):
        kps = _infer(x, model_dir=str(d / 'dec'), backend=backend)[0]
        assert kps.shape == (2, 17, 3)
        np.testing.assert_allclose(kps, decode_outputs(maps), atol=1e-4)


def test_infer_script_prints_keypoints_and_benchmark(exported, mini_root):
    import os
    d, _ = exported
    img = os.path.join(os.path.dirname(mini_root), 'predict_example.jpg')
    res = run_script(['infer.py', '--model_file', str(d / 'net' / 'model.pdmodel'), '--params_file',
                      str(d / 'net' / 'model.pdiparams'), '--input_file', img, '--enable_benchmark', 'True',
                      '--enable_mkldnn', 'True', '--cpu_threads', '1'])
    assert res.returncode == 0, res.stderr[-2000:]
    lines = res.stdout.splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith('Current video file: '))
    assert lines[i + 1].startswith('\tkeypoints: ') and len(eval(lines[i + 1].split(': ', 1)[1])) == 17
    assert 'inference_time(ms)' in res.stdout and 'Perf info' in res.stdout


def test_infer_folder_onnx_to_json_lines(exported, mini_root, tmp_path):
    import json
    import os
    import shutil
    d, _ = exported
    folder = tmp_path / 'imgs'
    folder.mkdir()
    for name in sorted(os.listdir(os.path.join(mini_root, 'imgs')))[:3]:
        shutil.copy(os.path.join(mini_root, 'imgs', name), folder / name)
    res = run_script(['infer.py', '--model_dir', str(d / 'dec'), '--backend', 'onnxruntime', '--input_file',
                      str(folder), '--batch_size', '2', '--output', str(tmp_path / 'kps.jsonl')])
    assert res.returncode == 0, res.stderr[-2000:]
    rows = [json.loads(line) for line in (tmp_path / 'kps.jsonl').read_text().splitlines()]
    assert len(rows) == 3 and res.stdout.count('Current video file: ') == 3
    assert all(len(r['keypoints']) == 17 and len(r['keypoints'][0]) == 3 for r in rows)


def test_predict_image_and_video(lite_run, mini_root, tmp_path):
    import os
    example = os.path.dirname(mini_root)
    weights = str(lite_run / 'best_model' / 'model.pdparams')
    res = run_script(['predict.py', '--pretrained', weights, '--input_file', os.path.join(example, 'predict_example.jpg'),
                      '--save_dir', str(tmp_path)])
    assert res.returncode == 0, res.stderr[-2000:]
    assert (tmp_path / 'predict_example_pose.jpg').is_file() and (tmp_path / 'predict_example_heatmaps.png').is_file()
    res = run_script(['predict.py', '--pretrained', weights, '--video', os.path.join(example, 'predict_example.avi'),
                      '--save_dir', str(tmp_path)])
    assert res.returncode == 0, res.stderr[-2000:]
    assert 'FPS' in res.stdout and (tmp_path / 'predict_example_pose.avi').stat().st_size > 0
