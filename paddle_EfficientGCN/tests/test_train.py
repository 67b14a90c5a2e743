import copy
import json
import os
import subprocess
import sys

import numpy as np
import paddle
import yaml

from conftest import ROOT, cli, train_args
from engine import compute_metrics, lr_lambda, train


def test_lite_training_learns(trained_lite):
    res = trained_lite['result']
    assert res['best_top1'] > 0.5, res  # 4 classes: chance is 0.25
    log = open(os.path.join(trained_lite['save_dir'], 'train.log')).read()
    assert '[TRAIN] epoch: ' in log and 'reader_cost' in log and 'eta: ' in log and '[EVAL] epoch: 5' in log
    state = json.load(open(os.path.join(trained_lite['save_dir'], 'latest', 'state.json')))
    assert state['epoch'] == 4 and state['iteration'] == 120 and state['best']['top1'] == res['best_top1']


def test_test_script_and_predict_vis(capsys, trained_lite, tmp_path):
    best = os.path.join(trained_lite['save_dir'], 'best_model', 'model.pdparams')
    code, _, err = cli(capsys, 'test.py', '--config', 'configs/lite.yaml', '--dataset_root', trained_lite['root'],
                       '--pretrained', best, '--device', 'cpu', '--progress', 'False', '--save_dir', tmp_path)
    assert code == 0, err
    metrics = json.load(open(tmp_path / 'metrics.json'))
    assert metrics['num_samples'] == 24 and abs(metrics['top1'] - trained_lite['result']['best_top1']) < 1e-6
    code, out, err = cli(capsys, 'predict.py', '--config', 'configs/lite.yaml', '--pretrained', best,
                         '--input_file', os.path.join(trained_lite['root'], 'eval_data.npy'), '--index', '3',
                         '--save_vis', 'True', '--save_dir', tmp_path, '--device', 'cpu')
    assert code == 0, err
    assert 'class' in out and os.path.getsize(tmp_path / 'eval_data.png') > 10000


def small_cfg(lite_cfg):
    """A narrow, short B0-shaped model: the checkpoint/resume/distributed machinery does not need the lite width."""
    cfg = copy.deepcopy(lite_cfg)
    cfg['data_shape'][2] = 12
    cfg['dataset_args']['num_frame'] = 12
    cfg['model_args'].update(stem_channel=16, block_args=[[16, 1, 0.5], [16, 1, 0.5], [16, 2, 1], [32, 2, 1]])
    return cfg


def test_resume_is_exact(lite_cfg, mini_root, tmp_path):
    cfg = small_cfg(lite_cfg)
    cfg['train'].update(batch_size=8, max_epochs=2, eval_interval=100, eval_last=0)
    train(copy.deepcopy(cfg), train_args(tmp_path / 'straight', dataset_root=mini_root))
    train(copy.deepcopy(cfg), train_args(tmp_path / 'split', dataset_root=mini_root, max_iters=6))
    train(copy.deepcopy(cfg), train_args(tmp_path / 'split', dataset_root=mini_root,
                                         resume=str(tmp_path / 'split' / 'latest')))
    a = paddle.load(str(tmp_path / 'straight' / 'latest' / 'model.pdparams'))
    b = paddle.load(str(tmp_path / 'split' / 'latest' / 'model.pdparams'))
    for k in a:
        np.testing.assert_allclose(a[k].numpy(), b[k].numpy(), rtol=1e-6, atol=1e-7, err_msg=k)
    assert not any(n.startswith('latest.') for n in os.listdir(tmp_path / 'split'))  # no temp dirs left


def test_two_process_training(lite_cfg, mini_root, tmp_path):
    save = tmp_path / 'dist'
    (tmp_path / 'small.yaml').write_text(yaml.safe_dump(small_cfg(lite_cfg)))
    cmd = [sys.executable, '-m', 'paddle.distributed.launch', '--nproc_per_node', '2', '--log_dir',
           str(tmp_path / 'log'), 'train.py', '--config', str(tmp_path / 'small.yaml'), '--dataset_root', mini_root,
           '--max_iters', '2', '--batch_size', '4', '--save_dir', str(save), '--device', 'cpu', '--progress', 'False']
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS='1'))
    assert out.returncode == 0, out.stdout[-2000:] + out.stderr[-2000:]
    assert (save / 'latest' / 'model.pdparams').exists() and (save / 'best_model' / 'model.pdparams').exists()
    log = open(save / 'train.log').read()
    assert log.count('[EVAL]') == 1  # rank 0 alone evaluates and logs


def test_lr_schedule_and_metrics():
    f = lr_lambda(10, 70)
    assert f(0) == 0 and f(5) == 0.5 and f(10) == 1.0 and abs(f(40) - 0.5) < 1e-12 and f(70) == 0
    scores = np.array([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    m = compute_metrics(scores, np.array([1, 0, 0, 1]), 3)
    assert m['top1'] == 0.5 and m['top5'] == 1.0 and m['mean_class_acc'] == 0.5
