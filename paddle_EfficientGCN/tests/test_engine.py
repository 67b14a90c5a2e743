"""utils/engine.py: the six named steps of the training loop, the lite training, exact resume (also from a copy
a kill left between the two renames of a save), and a 2-process run against a 1-process run."""
import copy
import json
import os
import subprocess
import sys

import numpy as np
import paddle
import pytest
from conftest import ROOT, cli, run_options, with_root, write_cfg

from utils.engine import build_loaders, build_optimizer, evaluate, lr_lambda, resume, save, train, train_one_epoch
from utils.metrics import compute_metrics


def test_the_six_steps_are_importable_by_name():
    """Issue 12: every folder's loop has build_loaders, build_optimizer, resume, train_one_epoch, evaluate, save."""
    assert all(callable(f) for f in (build_loaders, build_optimizer, resume, train_one_epoch, evaluate, save))


def test_lite_training_learns(trained_lite):
    res = trained_lite['result']
    assert res['best_top1'] > 0.5, res  # 4 classes: chance is 0.25
    log = open(os.path.join(trained_lite['save_dir'], 'train.log')).read()
    assert '[TRAIN] epoch: ' in log and 'reader_cost' in log and 'eta: ' in log and '[EVAL] epoch: 5' in log
    state = json.load(open(os.path.join(trained_lite['save_dir'], 'latest', 'state.json')))
    assert state['epoch'] == 4 and state['iteration'] == 120 and state['best']['top1'] == res['best_top1']
    for name in ('latest', 'best_model'):  # the resolved config beside every checkpoint
        saved = os.path.join(trained_lite['save_dir'], name, 'config.yaml')
        from utils.config import load_config
        assert load_config(saved) == trained_lite['cfg']


def test_test_script_without_config_and_predict_vis(capsys, trained_lite, tmp_path):
    """test.py/predict.py read the config saved beside the checkpoint when --config is not given."""
    best = os.path.join(trained_lite['save_dir'], 'best_model', 'model.pdparams')
    out_dir = tmp_path / 'new' / 'dir'  # created
    code, _, err = cli(capsys, 'test.py', '--pretrained', best, '--device', 'cpu', '--progress', 'False',
                       '--save_dir', out_dir)
    assert code == 0, err
    metrics = json.load(open(out_dir / 'metrics.json'))
    assert metrics['num_samples'] == 24 and abs(metrics['top1'] - trained_lite['result']['best_top1']) < 1e-6
    code, out, err = cli(capsys, 'predict.py', '--pretrained', best, '--input_file',
                         os.path.join(trained_lite['root'], 'eval_data.npy'), '--index', '3', '--save_vis', 'True',
                         '--save_dir', tmp_path, '--device', 'cpu')
    assert code == 0, err
    from utils.config import class_names
    assert any(f'({name}), score' in out for name in class_names(trained_lite['cfg'])), out
    assert os.path.getsize(tmp_path / 'eval_data.png') > 10000
    assert (out_dir / 'confusion_matrix.png').read_bytes()[:4] == b'\x89PNG'
    code, out, err = cli(capsys, 'tools/plot_log.py', '--log', os.path.join(trained_lite['save_dir'], 'train.log'),
                         '--out', tmp_path / 'curves.png')
    assert code == 0 and (tmp_path / 'curves.png').read_bytes()[:4] == b'\x89PNG', err


def test_skeleton_palette_follows_the_ntu_joint_list():
    """NTU RGB+D paper joint list (1-based): 5-8 left arm, 9-12 right arm, 13-16 left leg, 17-20 right leg,
    22-23 left hand tip/thumb, 24-25 right; 1-4 and 21 the spine and head."""
    from models.graph import NTU_EDGES_1BASED
    from utils.vis import CENTRE, LEFT, RIGHT, limb_colour
    side = {**{j: LEFT for j in (5, 6, 7, 8, 13, 14, 15, 16, 22, 23)},
            **{j: RIGHT for j in (9, 10, 11, 12, 17, 18, 19, 20, 24, 25)}, **{j: CENTRE for j in (1, 2, 3, 4, 21)}}
    for a, b in NTU_EDGES_1BASED:
        expected = side[a] if side[a] != CENTRE else side[b]
        assert limb_colour(a - 1, b - 1) == expected, (a, b)
    assert limb_colour(4, 20) == LEFT and limb_colour(8, 20) == RIGHT and limb_colour(2, 3) == CENTRE


def small_cfg(lite_cfg, root):
    """A narrow, short B0-shaped model: the checkpoint/resume/distributed machinery does not need the lite width."""
    cfg = with_root(lite_cfg, root)
    cfg['data_shape'][2] = cfg['dataset_args']['num_frame'] = 12
    cfg['model_args'].update(stem_channel=16, block_args=[[16, 1, 0.5], [16, 1, 0.5], [16, 2, 1], [32, 2, 1]])
    return cfg


def test_resume_is_exact_also_after_a_kill_between_the_renames(lite_cfg, mini_root, tmp_path):
    """A run stopped after 6 iterations and resumed ends with the weights of an uninterrupted run, also when the
    kill came between the two renames of utils/atomic_io.save_dir_atomic (no latest/, a complete latest.tmp-<pid>
    and the previous latest.old-<pid>): --resume recovers the newest complete copy; stale copies are removed."""
    cfg = small_cfg(lite_cfg, mini_root)
    cfg['train'].update(batch_size=8, max_epochs=2, eval_interval=100, eval_last=0)
    train(copy.deepcopy(cfg), run_options(tmp_path / 'straight'))
    split = tmp_path / 'split'
    train(copy.deepcopy(cfg), run_options(split, max_iters=6))
    latest = split / 'latest'
    os.rename(latest, split / 'latest.tmp-12345')  # the complete new copy that was about to be renamed
    (split / 'latest.old-12345').mkdir()          # the previous copy, moved aside (its content does not matter)
    (split / 'best_model.tmp-999').mkdir()        # debris of another killed write
    train(copy.deepcopy(cfg), run_options(split, resume=str(latest)))
    a = paddle.load(str(tmp_path / 'straight' / 'latest' / 'model.pdparams'))
    b = paddle.load(str(latest / 'model.pdparams'))
    for k in a:
        np.testing.assert_allclose(a[k].numpy(), b[k].numpy(), rtol=1e-6, atol=1e-7, err_msg=k)
    assert sorted(os.listdir(split)) == ['best_model', 'latest', 'train.log']  # no temp or old copies left


@pytest.mark.slow
def test_two_processes_end_like_one_process_with_the_same_total_batch(lite_cfg, mini_root, tmp_path):
    """2 processes x batch 2 and 1 process x batch 4 see the same global batches (DistributedBatchSampler:
    rank r takes the r-th half of each global batch of the shuffled order); gradients are averaged across ranks.
    The difference is BatchNorm, which normalises each card's half batch with its own statistics. Tolerances
    after one epoch (12 iterations of 4 samples): first loss 1 %, mean loss 5 %, all trained weights 1e-2
    (relative L2 norm); the rank-0 evaluation covers all 24 eval samples."""
    cfg = small_cfg(lite_cfg, mini_root)
    cfg['model_args']['drop_prob'] = 0.0
    cfg['train'].update(max_epochs=1, eval_interval=1, eval_last=0, log_iters=1)
    config = write_cfg(tmp_path / 'small.yaml', cfg)
    base = ['train.py', '--config', config, '--device', 'cpu', '--progress', 'False']
    env = dict(os.environ, OMP_NUM_THREADS='1')
    two = subprocess.run([sys.executable, '-m', 'paddle.distributed.launch', '--nproc_per_node', '2', '--log_dir',
                          str(tmp_path / 'log')] + base + ['--batch_size', '2', '--save_dir', str(tmp_path / 'two')],
                         cwd=ROOT, capture_output=True, text=True, env=env)
    assert two.returncode == 0, two.stdout[-2000:] + two.stderr[-2000:]
    one = subprocess.run([sys.executable] + base + ['--batch_size', '4', '--save_dir', str(tmp_path / 'one')],
                         cwd=ROOT, capture_output=True, text=True, env=env)
    assert one.returncode == 0, one.stderr[-2000:]
    logs = {k: open(tmp_path / k / 'train.log').read() for k in ('one', 'two')}
    assert logs['two'].count('[EVAL]') == 1 and 'samples: 24' in logs['two']  # rank 0 alone, every sample

    def losses(log):
        return np.array([float(line.split('loss: ')[1].split(',')[0]) for line in log.splitlines() if '[TRAIN]' in line])
    one_loss, two_loss = losses(logs['one']), losses(logs['two'])  # 2 processes: the mean over both ranks
    assert len(one_loss) == len(two_loss) == 12
    assert abs(two_loss[0] / one_loss[0] - 1) < 1e-2                # same weights, only BN statistics differ
    assert abs(two_loss.mean() / one_loss.mean() - 1) < 5e-2        # measured: 2 %
    a = paddle.load(str(tmp_path / 'one' / 'latest' / 'model.pdparams'))
    b = paddle.load(str(tmp_path / 'two' / 'latest' / 'model.pdparams'))
    keys = [k for k in a if not k.endswith(('.A', '_mean', '_variance'))]  # the trained parameters
    va, vb = (np.concatenate([w[k].numpy().ravel() for k in keys]) for w in (a, b))
    assert np.linalg.norm(va - vb) / np.linalg.norm(va) < 1e-2      # measured: 8.6e-4


def test_lr_schedule_and_metrics():
    """EfficientGCNv1 src/scheduler/lr_schedulers.py Cosine_Scheduler (per iteration) and src/processor.py
    Processor.eval (top-k, mean class accuracy)."""
    f = lr_lambda(10, 70)
    assert f(0) == 0 and f(5) == 0.5 and f(10) == 1.0 and abs(f(40) - 0.5) < 1e-12 and f(70) == 0
    scores = np.array([[0.1, 0.9, 0.0], [0.8, 0.1, 0.1], [0.2, 0.3, 0.5], [0.6, 0.3, 0.1]])
    m = compute_metrics(scores, np.array([1, 0, 0, 1]), 3)
    assert m['top1'] == 0.5 and m['top5'] == 1.0 and m['mean_class_acc'] == 0.5


def test_main_py_dispatches_to_the_engine(capsys, trained_lite):
    """main.py -e runs utils.engine.test like test.py (same numbers)."""
    cfg = write_cfg(os.path.join(trained_lite['save_dir'], '..', 'main_cfg.yaml'), trained_lite['cfg'])
    best = os.path.join(trained_lite['save_dir'], 'best_model')
    code, out, err = cli(capsys, 'main.py', '-c', cfg, '-e', '-pp', best, '--device', 'cpu')
    assert code == 0, err
    assert f'top1: {trained_lite["result"]["best_top1"]:.4f}' in out and 'samples: 24' in out
