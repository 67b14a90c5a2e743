import json
import os
import re

import numpy as np
import paddle
from conftest import run_script


def _evals(log_text):
    return [float(v) for v in re.findall(r'\[EVAL\] epoch: \d+, acc: ([0-9.]+)', log_text)]


def test_lite_training_learns_and_test_py_agrees(mini_root, lite_run, tmp_path):
    out = lite_run
    log = (out / 'train.log').read_text()
    accs = _evals(log)
    assert len(accs) == 6  # epoch 0 (before training) + 5 epochs
    assert max(accs) > accs[0] + 0.3, accs  # the original's acc rises well above its initial value
    assert '[TRAIN] epoch: 1/5, iter: 5/' in log and 'reader_cost' in log and 'ips' in log and 'eta' in log
    res = run_script(['test.py', '--config', 'configs/movenet_lite.yaml', '--dataset_root', mini_root,
                      '--pretrained', str(out / 'best_model' / 'model.pdparams'), '--save_dir', str(tmp_path)])
    assert res.returncode == 0, res.stderr[-2000:]
    metrics = json.loads((tmp_path / 'metrics.json').read_text())
    assert abs(metrics['acc'] - max(accs)) < 1e-4 and 0 <= metrics['AP'] <= 1


def _train(root, save_dir, *extra):
    return run_script(['train.py', '--config', 'configs/movenet_lite.yaml', '--dataset_root', root, '--save_dir',
                       str(save_dir), '--batch_size', '2', '--log_iters', '1', '--augment', 'True', *extra])


def test_resume_repeats_the_uninterrupted_run(tiny_root, tmp_path):
    full, part = tmp_path / 'full', tmp_path / 'part'
    assert _train(tiny_root, full, '--max_epochs', '2').returncode == 0
    assert _train(tiny_root, part, '--max_epochs', '1').returncode == 0
    state = json.loads((part / 'latest' / 'state.json').read_text())
    assert state['epoch'] == 1 and state['iteration'] > 0
    res = _train(tiny_root, part, '--max_epochs', '2', '--resume', str(part / 'latest'))
    assert res.returncode == 0, res.stderr[-2000:]
    a = paddle.load(str(full / 'latest' / 'model.pdparams'))
    b = paddle.load(str(part / 'latest' / 'model.pdparams'))
    for k in a:
        np.testing.assert_array_equal(a[k].numpy(), b[k].numpy(), err_msg=k)
    assert not any(n.startswith(('latest.tmp', 'latest.old')) for n in os.listdir(part))


def test_max_iters_stops_and_still_saves(tiny_root, tmp_path):
    res = _train(tiny_root, tmp_path, '--max_epochs', '5', '--max_iters', '1')
    assert res.returncode == 0, res.stderr[-2000:]
    assert json.loads((tmp_path / 'latest' / 'state.json').read_text())['iteration'] == 1
    assert (tmp_path / 'best_model' / 'model.pdparams').is_file()


def test_two_process_training(tiny_root, tmp_path):
    res = run_script(['-m', 'paddle.distributed.launch', '--nproc_per_node', '2', '--log_dir', str(tmp_path / 'logs'),
                      'train.py', '--config', 'configs/movenet_lite.yaml', '--dataset_root', tiny_root, '--save_dir',
                      str(tmp_path / 'out'), '--batch_size', '2', '--max_iters', '1', '--device', 'cpu'])
    assert res.returncode == 0, (res.stdout + res.stderr)[-3000:]
    assert (tmp_path / 'out' / 'latest' / 'model.pdparams').is_file()
    assert (tmp_path / 'out' / 'train.log').read_text().count('[EVAL] epoch: 1') == 1  # rank 0 alone evaluates
