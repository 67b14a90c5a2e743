"""Issue 10: every bad input ends in exit status 2 with exactly one `error: <what>, <where>, <how to fix>` line naming
the file or key, no traceback, and nothing half-written (no save_dir, no results file). Scripts run in-process
(main(argv), SystemExit caught) except where a real process is the point (a worker that dies on a sample)."""
import json
import os
import shutil

import cv2
import numpy as np
import paddle
import pytest
from conftest import LITE, ROOT, error_lines, run_inprocess, run_script

from models import MoveNet
from utils.inference import cpu_has_bf16


def _one_error(code, err, *needles):
    lines = error_lines(err)
    assert code == 2, err[-2000:]
    assert len(lines) == 1 and 'Traceback' not in err, err[-2000:]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])


@pytest.fixture()
def data(tiny_root, tmp_path):
    """A private copy of the tiny crops dataset: (root, items of train2017.json, writer of the json)."""
    root = tmp_path / 'data'
    shutil.copytree(tiny_root, root)
    items = json.loads((root / 'train2017.json').read_text())

    def write(value):
        (root / 'train2017.json').write_text(value if isinstance(value, str) else json.dumps(value))
    return root, items, write


def _item(items, **change):
    return [dict(items[0], **change)] + items[1:]


def _kps(items, index, value):
    kps = list(items[0]['keypoints'])
    kps[index] = value
    return _item(items, keypoints=kps)


TRAIN_DATA_CASES = {  # name: (mutation of the dataset, text in the error line)
    'json missing': (lambda root, items, write: os.remove(root / 'train2017.json'), 'train2017.json not found'),
    'json garbage': (lambda root, items, write: write('{not json'), 'is not valid JSON'),
    'json binary': (lambda root, items, write: (root / 'train2017.json').write_bytes(b'\x80\x02\xff' * 10),
                    'is not valid JSON'),
    'json empty list': (lambda root, items, write: write([]), 'non-empty JSON list'),
    'json a mapping': (lambda root, items, write: write({'a': 1}), 'non-empty JSON list'),
    'item not an object': (lambda root, items, write: write([1] + items), 'train2017.json[0] is not an object'),
    'keypoints missing': (lambda root, items, write: write([{k: v for k, v in items[0].items() if k != 'keypoints'}]),
                          "lacks key 'keypoints'"),
    'keypoints 16 joints': (lambda root, items, write: write(_item(items, keypoints=items[0]['keypoints'][:-3])),
                            'keypoints has 48 values, expected 51'),
    'keypoints not numbers': (lambda root, items, write: write(_kps(items, 0, 'x')), 'are not numbers'),
    'keypoint nan': (lambda root, items, write: write(_kps(items, 0, float('nan'))), 'finite'),
    'visibility 5': (lambda root, items, write: write(_kps(items, 2, 5)), 'visibility must be 0, 1 or 2'),
    'no labelled keypoint': (lambda root, items, write: write(_item(items, keypoints=[0.5, 0.5, 0] * 17)),
                             'no labelled keypoint'),
    'keypoint outside 0..1': (lambda root, items, write: write(_kps(items, 0, 1.5)), 'normalised to the crop (0..1)'),
    'center outside 0..1': (lambda root, items, write: write(_item(items, center=[-0.2, 0.5])),
                            'normalised to the crop (0..1)'),
    'bbox of 3 numbers': (lambda root, items, write: write(_item(items, bbox=[0, 0, 1])), 'bbox must be 4'),
    'other_keypoints 3 lists': (lambda root, items, write: write(_item(items, other_keypoints=[[]] * 3)),
                                'other_keypoints has 3 lists'),
    'other_centers nan': (lambda root, items, write: write(_item(items, other_centers=[[float('nan'), 0.5]])),
                          'other_centers must be a list of finite'),
    'image missing': (lambda root, items, write: os.remove(root / 'imgs' / items[0]['img_name']), 'not found'),
    'image zero bytes': (lambda root, items, write: (root / 'imgs' / items[0]['img_name']).write_bytes(b''),
                         'is an empty file'),
}


@pytest.mark.parametrize('case', sorted(TRAIN_DATA_CASES))
def test_bad_training_data(case, data, tmp_path, capsys):
    root, items, write = data
    mutate, msg = TRAIN_DATA_CASES[case]
    mutate(root, items, write)
    out = tmp_path / 'out'
    code, _, err = run_inprocess('train.py', ['--config', LITE, '--dataset_root', root, '--save_dir', out,
                                              '--device', 'cpu'], capsys)
    _one_error(code, err, msg)
    assert not out.exists()  # nothing written, not even train.log


BAD_FLAGS = [
    (['--batch_size', '0'], '--batch_size (TRAIN.batch_size): 0 is out of range'),
    (['--batch_size', '-1'], '--batch_size (TRAIN.batch_size): -1 is out of range'),
    (['--max_epochs', '0'], '--max_epochs (TRAIN.epochs): 0 is out of range'),
    (['--log_iters', '0'], '--log_iters (TRAIN.log_iters): 0 is out of range'),
    (['--learning_rate', 'nan'], '--learning_rate (TRAIN.learning_rate): nan is not a finite number'),
    (['--learning_rate', '-1'], '--learning_rate (TRAIN.learning_rate): -1.0 is out of range'),
    (['--num_workers', '-1'], '--num_workers (num_workers): -1 is out of range'),
    (['--device', 'tpu'], "argument --device: invalid choice: 'tpu'"),
    (['--amp', 'maybe'], "'maybe' is not a boolean"),
    (['--batch_size', 'eight'], "argument --batch_size: invalid int value: 'eight'"),
    (['--resume', '/nonexistent/latest'], 'checkpoint folder /nonexistent/latest not found'),
]


@pytest.mark.parametrize('flags, msg', BAD_FLAGS, ids=lambda v: ' '.join(v) if isinstance(v, list) else '')
def test_bad_training_flags(flags, msg, mini_root, tmp_path, capsys):
    out = tmp_path / 'out'
    code, _, err = run_inprocess('train.py', ['--config', LITE, '--dataset_root', mini_root, '--save_dir', out,
                                              *flags], capsys)
    _one_error(code, err, msg)
    assert not out.exists()


@pytest.fixture(scope='module')
def files(tmp_path_factory):
    """Bad checkpoint files and a 16-joint config."""
    d = tmp_path_factory.mktemp('bad_files')
    paddle.save(MoveNet().state_dict(), str(d / 'good.pdparams'))
    blob = (d / 'good.pdparams').read_bytes()
    (d / 'truncated.pdparams').write_bytes(blob[:len(blob) // 3])
    (d / 'text.pdparams').write_text('not a checkpoint\n')
    import pickle
    (d / 'list.pdparams').write_bytes(pickle.dumps([1, 2, 3]))
    import yaml
    with open(LITE) as f:
        cfg = yaml.safe_load(f)
    cfg['DATA']['num_joints'] = 16
    (d / 'joints16.yaml').write_text(yaml.safe_dump(cfg))
    return d


@pytest.mark.parametrize('name, msg', [('truncated.pdparams', 'is not a Paddle checkpoint'),
                                       ('text.pdparams', 'is not a Paddle checkpoint'),
                                       ('list.pdparams', 'holds no state dict')])
def test_bad_pretrained(files, name, msg, mini_root, tmp_path, capsys):
    out = tmp_path / 'out'
    code, _, err = run_inprocess('train.py', ['--config', LITE, '--dataset_root', mini_root, '--save_dir', out,
                                              '--pretrained', files / name], capsys)
    _one_error(code, err, msg, name, '--pretrained')
    assert not out.exists()


@pytest.fixture(scope='module')
def lite_checkpoint(tiny_root, tmp_path_factory):
    """One epoch on the tiny data: <out>/latest and best_model with their config.yaml."""
    out = tmp_path_factory.mktemp('ckpt') / 'out'
    res = run_script(['train.py', '--config', LITE, '--dataset_root', tiny_root, '--save_dir', out, '--device', 'cpu',
                      '--max_epochs', '1', '--batch_size', '4'])
    assert res.returncode == 0, res.stderr[-2000:]
    return out


def test_resume_of_a_damaged_checkpoint(lite_checkpoint, tmp_path, capsys):
    latest = tmp_path / 'latest'
    shutil.copytree(lite_checkpoint / 'latest', latest)
    (latest / 'model.pdopt').write_bytes((latest / 'model.pdopt').read_bytes()[:50])
    code, _, err = run_inprocess('train.py', ['--resume', latest, '--save_dir', tmp_path / 'out'], capsys)
    _one_error(code, err, 'model.pdopt or state.json is damaged', '--resume')
    os.remove(latest / 'state.json')
    code, _, err = run_inprocess('train.py', ['--resume', latest, '--save_dir', tmp_path / 'out'], capsys)
    _one_error(code, err, 'lacks state.json', '--resume')
    assert not (tmp_path / 'out').exists()


@pytest.mark.parametrize('script, flag', [('train.py', '--resume'), ('test.py', '--pretrained'),
                                          ('predict.py', '--pretrained'), ('export_model.py', '--model_path')])
def test_another_joint_count_is_refused_outside_fine_tuning(script, flag, lite_checkpoint, files, tiny_root, tmp_path,
                                                            capsys):
    """Issue 10 (3): a 17-joint checkpoint with a 16-joint config is an error naming both counts for --resume,
    test, predict and export (train.py --pretrained re-initialises the heads: tests/test_checkpoints.py)."""
    weights = lite_checkpoint / ('latest' if flag == '--resume' else 'best_model')
    args = {'train.py': ['--resume', weights, '--dataset_root', tiny_root, '--save_dir', tmp_path / 'out'],
            'test.py': ['--pretrained', weights / 'model.pdparams', '--dataset_root', tiny_root],
            'predict.py': ['--pretrained', weights / 'model.pdparams', '--input_file',
                           os.path.join(os.path.dirname(tiny_root), 'predict_example.jpg'), '--save_dir', tmp_path / 'p'],
            'export_model.py': ['--model_path', weights / 'model.pdparams', '--save_dir', tmp_path / 'e']}[script]
    code, _, err = run_inprocess(script, [*args, '--config', files / 'joints16.yaml'], capsys)
    _one_error(code, err, 'has heads for 17 joints but the config builds 16', flag)
    assert not any((tmp_path / d).exists() for d in ('out', 'p', 'e'))


@pytest.fixture(scope='module')
def export_dir(lite_checkpoint, tmp_path_factory):
    d = tmp_path_factory.mktemp('export') / 'inference'
    res = run_script(['export_model.py', '--model_path', lite_checkpoint / 'best_model' / 'model.pdparams',
                      '--save_dir', d])
    assert res.returncode == 0, res.stderr[-2000:]
    return d


@pytest.fixture(scope='module')
def bad_inputs(tmp_path_factory):
    d = tmp_path_factory.mktemp('inputs')
    np.save(str(d / 'array.npy'), np.zeros((1, 3, 192, 192), np.float32))
    cv2.imwrite(str(d / 'black.png'), np.zeros((120, 100, 3), np.uint8))
    (d / 'corrupt.jpg').write_bytes(b'\xff\xd8\xff' + b'garbage' * 20)
    (d / 'empty.jpg').write_bytes(b'')
    (d / 'empty_dir').mkdir()
    (d / 'noframes.avi').write_bytes(b'RIFF0000AVI ' + b'\0' * 64)
    return d


INFER_CASES = [
    (['-b', '0'], None, '--batch_size 0 must be >= 1'),
    (['--cpu_threads', '0'], None, '--cpu_threads 0 must be >= 1'),
    (['--precision', 'int8'], None, 'model_int8.onnx not found, --precision int8, make it with `python tools/quantize.py'),
    (['--backend', 'paddle', '--precision', 'int8'], None, 'PaddleSlim-quantised model'),
    (['--precision', 'fp16'], None, '--precision fp16 on CPU: neither Paddle Inference nor ONNX Runtime has fp16'),
    ([], 'array.npy', 'is neither an image'),
    ([], 'black.png', 'is blank (every pixel is 0)'),
    ([], 'corrupt.jpg', 'cannot decode image'),
    ([], 'empty.jpg', 'cannot decode image'),
    ([], 'empty_dir', 'no images'),
    ([], 'noframes.avi', 'has no readable frame'),
    ([], 'missing.jpg', 'missing.jpg not found'),
]


if not cpu_has_bf16():  # this project's CPUs (AVX2): bf16 is refused
    INFER_CASES.append((['--precision', 'bf16'], None, 'reports neither avx512_bf16 nor amx_bf16'))


@pytest.mark.parametrize('flags, name, msg', INFER_CASES)
def test_bad_inference_inputs(flags, name, msg, export_dir, lite_checkpoint, bad_inputs, tmp_path, capsys):
    """infer.py and (for the inputs) predict.py: one line, exit 2, no results file; never `score nan`."""
    target = str(bad_inputs / (name or 'black.png'))
    results = tmp_path / 'r.json'
    code, out, err = run_inprocess('infer.py', ['--model_dir', export_dir, '--input_file', target, '--save_results',
                                                results, *flags], capsys)
    _one_error(code, err, msg)
    assert not results.exists() and 'keypoints' not in out
    if name:
        code, out, err = run_inprocess('predict.py', ['--pretrained', lite_checkpoint / 'best_model' / 'model.pdparams',
                                                      '--input_file', target, '--save_dir', tmp_path / 'p'], capsys)
        _one_error(code, err, msg)
        assert not (tmp_path / 'p').exists()


def test_infer_config_and_export_mismatches(export_dir, files, tmp_path, capsys):
    img = os.path.join(ROOT, 'configs')  # any existing path; the config is checked first
    bare = tmp_path / 'bare'
    shutil.copytree(export_dir, bare)
    os.remove(bare / 'config.yaml')
    code, _, err = run_inprocess('infer.py', ['--model_dir', bare, '--input_file', img], capsys)
    _one_error(code, err, f'no config.yaml in {bare}', '--config')
    frame = tmp_path / 'frame.png'
    cv2.imwrite(str(frame), np.random.default_rng(0).integers(0, 255, (64, 48, 3), dtype=np.uint8))
    code, _, err = run_inprocess('infer.py', ['--model_dir', export_dir, '--input_file', frame, '--config',
                                              files / 'joints16.yaml'], capsys)
    _one_error(code, err, 'predicts 17 joints but the config has DATA.num_joints 16')


def test_nan_weights_never_print_a_score(files, tmp_path, capsys):
    """A checkpoint of a diverged training (NaN weights) exports, but infer/predict refuse to print `score nan`."""
    state = paddle.load(str(files / 'good.pdparams'))
    state['header.header_heatmaps.1.bias'] = paddle.full_like(state['header.header_heatmaps.1.bias'], float('nan'))
    (tmp_path / 'ckpt').mkdir()
    paddle.save(state, str(tmp_path / 'ckpt' / 'model.pdparams'))
    shutil.copy(LITE, tmp_path / 'ckpt' / 'config.yaml')
    frame = tmp_path / 'frame.png'
    cv2.imwrite(str(frame), np.random.default_rng(0).integers(0, 255, (64, 48, 3), dtype=np.uint8))
    code, out, err = run_inprocess('predict.py', ['--pretrained', tmp_path / 'ckpt' / 'model.pdparams', '--input_file',
                                                  frame, '--save_dir', tmp_path / 'p', '--device', 'cpu'], capsys)
    _one_error(code, err, 'non-finite outputs (NaN/inf) for frame.png')
    assert 'nan' not in out


def test_export_refuses_a_folder_of_other_files(lite_checkpoint, tmp_path, capsys):
    (tmp_path / 'e').mkdir()
    (tmp_path / 'e' / 'notes.txt').write_text('mine')
    code, _, err = run_inprocess('export_model.py', ['--model_path', lite_checkpoint / 'best_model' / 'model.pdparams',
                                                     '--save_dir', tmp_path / 'e'], capsys)
    _one_error(code, err, 'holds other files (notes.txt)', '--save_dir')
    assert os.listdir(tmp_path / 'e') == ['notes.txt']


@pytest.fixture()
def coco(tmp_path):
    img_dir = tmp_path / 'val2017'
    img_dir.mkdir()
    cv2.imwrite(str(img_dir / '1.jpg'), np.full((100, 100, 3), 128, np.uint8))
    ann = {'id': 1, 'image_id': 1, 'iscrowd': 0, 'bbox': [10, 10, 50, 80], 'keypoints': [30, 40, 2] * 17}
    data = {'images': [{'id': 1, 'file_name': '1.jpg'}], 'annotations': [ann]}
    return tmp_path, data


@pytest.mark.parametrize('mutate, msg', [
    (lambda d: d['annotations'][0].pop('keypoints'), "lacks 'keypoints' (51 finite numbers"),
    (lambda d: d['annotations'][0].update(keypoints=[1, 2]), "lacks 'keypoints' (51 finite numbers"),
    (lambda d: d['annotations'][0].update(bbox=None), "lacks a 'bbox' of 4 finite numbers"),
    (lambda d: d['annotations'][0].update(image_id=7), "has no image_id of 'images'"),
    (lambda d: d.pop('images'), "lacks the 'images' and 'annotations' lists"),
    (lambda d: d['images'][0].update(file_name='2.jpg'), '1 images of'),
    (None, 'is not valid JSON'),
])
def test_bad_coco_json_in_the_crop_tool(coco, mutate, msg, capsys):
    tmp, data = coco
    if mutate:
        mutate(data)
        (tmp / 'ann.json').write_text(json.dumps(data))
    else:
        (tmp / 'ann.json').write_text('{"images": [')
    code, _, err = run_inprocess('scripts/make_coco_crops.py', ['--img_dir', tmp / 'val2017', '--ann_file',
                                                                 tmp / 'ann.json', '--out_json', tmp / 'out.json',
                                                                 '--out_root', tmp / 'crops'], capsys)
    _one_error(code, err, msg)
    assert not (tmp / 'out.json').exists()


def test_crop_tool_bad_ratio(coco, capsys):
    tmp, data = coco
    (tmp / 'ann.json').write_text(json.dumps(data))
    code, _, err = run_inprocess('scripts/make_coco_crops.py', ['--img_dir', tmp / 'val2017', '--ann_file',
                                                                 tmp / 'ann.json', '--out_json', tmp / 'out.json',
                                                                 '--expand_ratio', '0'], capsys)
    _one_error(code, err, '--expand_ratio 0.0 must be > 0')


@pytest.mark.parametrize('workers', [0, 2])
def test_a_sample_that_fails_in_a_loader_worker_ends_the_run(workers, data, tmp_path):
    """Issue 10 (1): an image that passes the up-front checks but cannot be decoded when loaded (in the loader
    thread or a worker process) ends training in seconds with exit 2 and the sample named, not a hang
    (utils/fail_fast.GuardedDataset). A real process: the guard ends it with os._exit."""
    root, items, _ = data
    bad = root / 'imgs' / items[1]['img_name']
    bad.write_bytes(b'\xff\xd8\xff' + b'not a jpeg' * 30)
    res = run_script(['train.py', '--config', LITE, '--dataset_root', root, '--save_dir', tmp_path / 'out',
                      '--device', 'cpu', '--num_workers', workers, '--batch_size', '2'], timeout=240)
    lines = error_lines(res.stderr)
    assert res.returncode == 2, res.stderr[-3000:]
    assert len(lines) == 1 and f'error: sample {bad}' in lines[0] and 'cannot decode image' in lines[0], lines


def test_non_finite_loss_stops_and_keeps_the_last_good_checkpoint(tiny_root, tmp_path, capsys, monkeypatch):
    """Issue 10 (4): a NaN loss (here from the second update of epoch 2 on) stops the run with one line naming the epoch and the
    iteration; latest/ still holds the epoch before, intact."""
    from conftest import load_script

    from models.loss import MovenetLoss
    train = load_script('train.py')
    with open(os.path.join(tiny_root, 'train2017.json')) as f:
        per_epoch = -(-len(json.load(f)) // 2)  # updates per epoch at batch 2
    calls = {'n': 0}

    class NanInEpochTwo(MovenetLoss):
        def forward(self, outputs, labels, kps_mask):
            losses = super().forward(outputs, labels, kps_mask)
            calls['n'] += 1
            if calls['n'] > per_epoch + 1:  # the second update of epoch 2
                losses['loss'] = losses['loss'] * float('nan')
            return losses
    monkeypatch.setattr(train, 'MovenetLoss', NanInEpochTwo)
    out = tmp_path / 'out'
    code, _, err = run_inprocess('train.py', ['--config', LITE, '--dataset_root', tiny_root, '--save_dir', out,
                                              '--device', 'cpu', '--batch_size', '2', '--max_epochs', '3'], capsys)
    state = json.loads((out / 'latest' / 'state.json').read_text())
    _one_error(code, err, 'the loss is nan at epoch 2', f'iteration {per_epoch + 2}', '--learning_rate')
    assert state['epoch'] == 1 and state['iteration'] == per_epoch and np.isfinite(paddle.load(str(out / 'latest' / 'model.pdparams'))[
        'header.header_regs.1.bias'].numpy()).all()
