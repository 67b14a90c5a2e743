"""The training loop's named steps (the same six names in every folder) and checkpoints that survive a kill."""
import json
import os
import shutil

import numpy as np
import paddle
from conftest import LITE, run_inprocess

from utils.engine import build_loaders, build_optimizer, evaluate, resume, save, train_one_epoch


def test_the_six_steps_are_functions():
    for step in (build_loaders, build_optimizer, resume, train_one_epoch, evaluate, save):
        assert callable(step)


def test_save_then_resume_restores_weights_optimizer_and_counters(tmp_path):
    from models import MoveNet
    from utils.config import load_config
    cfg = load_config(LITE)
    model = MoveNet()
    optimizer, scheduler = build_optimizer(cfg, model)
    model(paddle.rand([1, 3, 192, 192]) * 255)[0].mean().backward()
    optimizer.step()
    save(str(tmp_path), 'latest', model, cfg, optimizer, {'epoch': 3, 'iteration': 21, 'best_metric': 0.5,
                                                          'lr_scheduler': scheduler.state_dict()})
    assert sorted(os.listdir(tmp_path / 'latest')) == ['.complete', 'config.yaml', 'model.pdopt', 'model.pdparams',
                                                       'state.json']
    other = MoveNet()
    opt2, sched2 = build_optimizer(cfg, other)
    state = resume(str(tmp_path / 'latest'), other, opt2, sched2)
    assert (state['epoch'], state['iteration'], state['best_metric']) == (3, 21, 0.5)
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(other.state_dict()[k].numpy(), v.numpy(), err_msg=k)


def test_a_kill_between_the_two_renames_resumes(tiny_root, tmp_path, capsys):
    """utils/atomic_io.save_dir_atomic renames latest -> latest.old-<pid>, then latest.tmp-<pid> -> latest; a kill
    in between leaves no latest/. --resume <save_dir>/latest finds the newest complete copy (the .tmp one), the run
    continues from it, and the debris is cleaned."""
    out = tmp_path / 'out'
    args = ['--config', LITE, '--dataset_root', tiny_root, '--save_dir', out, '--device', 'cpu', '--batch_size', '4']
    code, _, err = run_inprocess('train.py', [*args, '--max_epochs', '1'], capsys)
    assert code in (0, None), err[-2000:]
    os.replace(out / 'latest', out / 'latest.old-12345')
    shutil.copytree(out / 'latest.old-12345', out / 'latest.tmp-12345')  # the complete new copy (.complete inside)
    state = json.loads((out / 'latest.tmp-12345' / 'state.json').read_text())
    code, out_text, err = run_inprocess('train.py', [*args, '--max_epochs', '2', '--resume', out / 'latest'], capsys)
    assert code in (0, None), err[-2000:]
    assert 'resumed from' in out_text and f"at epoch {state['epoch']}" in out_text
    assert json.loads((out / 'latest' / 'state.json').read_text())['epoch'] == 2
    assert sorted(n for n in os.listdir(out) if n.startswith('latest')) == ['latest']
