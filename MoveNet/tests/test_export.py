import json
import os

import numpy as np
import paddle
import pytest
from conftest import LITE, load_script, run_script


@pytest.fixture(scope='module')
def exported(tmp_path_factory, lite_run):
    """The lite-trained weights exported as network and as network + decode (both also to ONNX)."""
    from models import MoveNet
    d = tmp_path_factory.mktemp('export')
    net = MoveNet()
    net.set_state_dict(paddle.load(str(lite_run / 'best_model' / 'model.pdparams')))
    net.eval()
    paddle.save(net.state_dict(), str(d / 'w.pdparams'))
    export = load_script('export_model.py').main  # in this process: no paddle import per export
    for sub, extra in (('net', []), ('dec', ['--with_decode', 'True'])):
        export(['--model_path', str(d / 'w.pdparams'), '--save_dir', str(d / sub), '--onnx', 'True', '--config', LITE,
                *extra])
        assert sorted(os.listdir(d / sub)) == ['.complete', 'config.yaml', 'model.json', 'model.onnx',
                                               'model.pdiparams']
    return d, net


def _images(root):
    """Two real val crops, preprocessed as infer.py does."""
    import cv2

    from datasets.images import preprocess
    names = sorted(os.listdir(os.path.join(root, 'imgs')))[:2]
    return np.stack([preprocess(cv2.imread(os.path.join(root, 'imgs', n))) for n in names])


def _infer(x, model_dir, backend='paddle', enable_mkldnn=False):
    from utils.inference import Predictor, resolve_model
    model_file, params_file, _ = resolve_model(None, None, model_dir, None, backend)
    return Predictor(model_file, params_file, backend, enable_mkldnn=enable_mkldnn, cpu_threads=1).run(x)


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
    """The --with_decode export (issue 15 contract): x, y in pixels of the 192x192 input, score 0..1, -1 where the
    score is below TEST.hm_th; the same as the library decode of the network export (Paddle and ONNX Runtime)."""
    from models.decode import decode_outputs
    d, net = exported
    x = _images(mini_root)
    maps = _infer(x, model_dir=str(d / 'net'))
    ref = decode_outputs(maps)  # normalised
    found = ref[..., 0] >= 0
    assert found.any()
    ref[..., :2] = np.where(found[..., None], ref[..., :2] * 192, -1)
    for backend in ('paddle', 'onnxruntime'):
        kps = _infer(x, model_dir=str(d / 'dec'), backend=backend)[0]
        assert kps.shape == (2, 17, 3)
        np.testing.assert_allclose(kps, ref, atol=1e-3)
        assert ((kps[..., :2] >= 0) & (kps[..., :2] <= 192) | (kps[..., :2] == -1)).all()
        assert ((kps[..., 2] >= 0) & (kps[..., 2] <= 1)).all()


def test_decode_export_contract_files_and_readme_example(exported, mini_root):
    """What another program relies on (README "Use as a pose estimator from another program"): config.yaml says
    TEST.keypoint_units: pixels, one input `image` [-1,3,192,192], one output [N,17,3]; the README's Paddle
    Inference example, run as written on a picture of another aspect ratio, gives infer.py's keypoints."""
    import re

    import cv2
    import onnxruntime as ort
    import yaml
    d, _ = exported
    with open(d / 'dec' / 'config.yaml') as f:
        cfg = yaml.safe_load(f)
    assert cfg['TEST']['keypoint_units'] == 'pixels' and cfg['DATA']['img_size'] == 192
    sess = ort.InferenceSession(str(d / 'dec' / 'model.onnx'), providers=['CPUExecutionProvider'])
    (inp,), (out,) = sess.get_inputs(), sess.get_outputs()
    assert inp.name == 'image' and inp.shape[1:] == [3, 192, 192] and inp.type == 'tensor(float)'
    assert out.shape[1:] == [17, 3]
    readme = open(os.path.join(os.path.dirname(os.path.dirname(__file__)), 'README.md'), encoding='utf-8').read()
    section = readme.split('## Use as a pose estimator from another program', 1)[1]
    code = re.search(r'```python\n(.*?)```', section, re.S).group(1)
    name = sorted(os.listdir(os.path.join(mini_root, 'imgs')))[0]
    picture = d / 'wide.png'
    cv2.imwrite(str(picture), cv2.resize(cv2.imread(os.path.join(mini_root, 'imgs', name)), (288, 192)))
    scope = {}
    exec(code.replace("'inference_decode'", repr(str(d / 'dec'))).replace("'person.jpg'", repr(str(picture))), scope)
    from datasets.images import preprocess
    want = _infer(preprocess(cv2.imread(str(picture)))[None], model_dir=str(d / 'dec'))[0][0]
    np.testing.assert_allclose(scope['kps'], want, atol=1e-4)
    found = want[:, 0] >= 0
    np.testing.assert_allclose(scope['frame_xy'][found], want[found, :2] * [288 / 192, 1], atol=1e-3)
    assert (scope['frame_xy'][~found] == -1).all()


def test_infer_script_prints_keypoints_benchmark_and_no_paddle_noise(exported, mini_root):
    """Every prediction printed also with --enable_benchmark (report last); the export's config.yaml is used (no
    --config); a model.pdmodel name falls back to model.json; no "No ccache found" warning and no Paddle pass names
    (issue 17) on stdout or stderr."""
    d, _ = exported
    img = os.path.join(os.path.dirname(mini_root), 'predict_example.jpg')
    res = run_script(['infer.py', '--model_file', str(d / 'net' / 'model.pdmodel'), '--params_file',
                      str(d / 'net' / 'model.pdiparams'), '--input_file', img, '--enable_benchmark', 'True',
                      '--enable_mkldnn', 'True', '--cpu_threads', '1'])
    assert res.returncode == 0, res.stderr[-2000:]
    lines = res.stdout.splitlines()
    i = next(k for k, line in enumerate(lines) if line.startswith('Current video file: '))
    assert lines[i] == 'Current video file: predict_example.jpg'
    assert lines[i + 1].startswith('\tkeypoints: ') and len(json.loads(lines[i + 1].split(': ', 1)[1])) == 17
    assert 'inference_time(ms)' in res.stdout and 'Perf info' in res.stdout
    assert res.stdout.index('Perf info') > i
    noise = [line for line in (res.stdout + res.stderr).splitlines() if 'ccache' in line.lower() or 'pass' in line.lower()]
    assert not noise, noise[:5]


def test_infer_folder_onnx_saves_results_in_pixels(exported, mini_root, tmp_path):
    """--backend onnxruntime (model.onnx of --model_dir), a folder in batches of 2, --save_results into a new folder:
    keypoints in the input image's pixels (a 2x wider copy of a crop gives 2x the x)."""
    import cv2
    d, _ = exported
    folder = tmp_path / 'imgs'
    folder.mkdir()
    name = sorted(os.listdir(os.path.join(mini_root, 'imgs')))[0]
    img = cv2.resize(cv2.imread(os.path.join(mini_root, 'imgs', name)), (192, 192))
    cv2.imwrite(str(folder / 'a.png'), img)
    # twice as wide, each column doubled: the linear resize back to 192 gives exactly `img` again
    cv2.imwrite(str(folder / 'b.png'), cv2.resize(img, (384, 192), interpolation=cv2.INTER_NEAREST))
    cv2.imwrite(str(folder / 'c.png'), img)
    out = tmp_path / 'new' / 'kps.json'
    res = run_script(['infer.py', '--model_dir', str(d / 'dec'), '--backend', 'onnxruntime', '--input_file',
                      str(folder), '--batch_size', '2', '--save_results', str(out)])
    assert res.returncode == 0, res.stderr[-2000:]
    data = json.loads(out.read_text())
    assert data['backend'] == 'onnxruntime' and res.stdout.count('Current video file: ') == 3
    rows = {r['name']: np.array(r['keypoints']) for r in data['results']}
    assert sorted(rows) == ['a.png', 'b.png', 'c.png'] and rows['a.png'].shape == (17, 3)
    np.testing.assert_array_equal(rows['a.png'], rows['c.png'])
    found = rows['a.png'][:, 0] >= 0
    np.testing.assert_allclose(rows['b.png'][found, 0], 2 * rows['a.png'][found, 0], atol=1e-3)
    np.testing.assert_allclose(rows['b.png'][:, 1:], rows['a.png'][:, 1:], atol=1e-6)


def test_predict_image_and_video(lite_run, mini_root, tmp_path):
    """predict.py reads the config beside --pretrained (no --config) and prints keypoints in pixels."""
    example = os.path.dirname(mini_root)
    weights = str(lite_run / 'best_model' / 'model.pdparams')
    res = run_script(['predict.py', '--pretrained', weights, '--input_file', os.path.join(example, 'predict_example.jpg'),
                      '--save_dir', str(tmp_path)])
    assert res.returncode == 0, res.stderr[-2000:]
    assert 'Current video file: predict_example.jpg' in res.stdout and '\tkeypoints: [[' in res.stdout
    assert (tmp_path / 'predict_example_heatmaps.png').is_file()
    import cv2  # the picture is the whole input at its own size (issue 17)
    assert cv2.imread(str(tmp_path / 'predict_example_pose.jpg')).shape == \
        cv2.imread(os.path.join(example, 'predict_example.jpg')).shape
    res = run_script(['predict.py', '--pretrained', weights, '--video', os.path.join(example, 'predict_example.avi'),
                      '--save_dir', str(tmp_path)])
    assert res.returncode == 0, res.stderr[-2000:]
    assert 'FPS' in res.stdout and (tmp_path / 'predict_example_pose.avi').stat().st_size > 0


def test_int8_quantised_export_agrees_with_fp32(exported, mini_root, tmp_path):
    """tools/quantize.py on the lite-trained network export (calibrated on the mini crops), then infer.py
    --precision int8 (ONNX Runtime on model_int8.onnx) against fp32 ONNX Runtime on the val crops: the same joints
    found on >= 90 %, and the found joints' median shift under 5 % of the crop size."""
    import shutil
    d, _ = exported
    shutil.copytree(d / 'net', tmp_path / 'net')
    code = run_script(['tools/quantize.py', '--model_dir', str(tmp_path / 'net'), '--calib_data', str(mini_root),
                       '--num_calib', '16'])
    assert code.returncode == 0, code.stderr[-2000:]
    assert (tmp_path / 'net' / 'model_int8.onnx').is_file()
    rows = {}
    for precision in ('fp32', 'int8'):
        out = tmp_path / f'{precision}.json'
        res = run_script(['infer.py', '--model_dir', str(tmp_path / 'net'), '--input_file',
                          os.path.join(mini_root, 'imgs'), '--precision', precision, '--save_results', str(out)])
        assert res.returncode == 0, res.stderr[-2000:]
        assert f'with onnxruntime{" int8" if precision == "int8" else ""}...' in res.stdout  # auto: ONNX Runtime
        rows[precision] = [np.array(r['keypoints']) for r in json.loads(out.read_text())['results']]
    found = np.array([(a[:, 0] >= 0) == (b[:, 0] >= 0) for a, b in zip(rows['fp32'], rows['int8'])])
    assert found.mean() >= 0.9
    shift = np.concatenate([np.linalg.norm(a[(a[:, 0] >= 0) & (b[:, 0] >= 0), :2] - b[(a[:, 0] >= 0) & (b[:, 0] >= 0), :2],
                                           axis=1) for a, b in zip(rows['fp32'], rows['int8'])])
    import cv2
    name = sorted(os.listdir(os.path.join(mini_root, 'imgs')))[0]
    size = max(cv2.imread(os.path.join(mini_root, 'imgs', name)).shape[:2])
    assert np.median(shift) < 0.05 * size, (np.median(shift), size)
