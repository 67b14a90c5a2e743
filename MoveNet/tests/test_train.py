import json
import os
import re

import numpy as np
import paddle
import pytest
from conftest import LITE, run_inprocess, run_script


def _evals(log_text):
    return [float(v) for v in re.findall(r'\[EVAL\] epoch: \d+, acc: ([0-9.]+)', log_text)]


def test_lite_training_learns_and_test_py_agrees(mini_root, lite_run, tmp_path):
    out = lite_run
    log = (out / 'train.log').read_text()
    accs = _evals(log)
    assert len(accs) == 4  # epoch 0 (before training) + 3 epochs
    assert max(accs) > accs[0] + 0.3, accs  # the original's acc rises well above its initial value
    assert '[TRAIN] epoch: 1/3, iter: 5/' in log and 'reader_cost' in log and 'ips' in log and 'eta' in log
    # test.py takes the config saved beside the weights: no --config
    res = run_script(['test.py', '--dataset_root', mini_root, '--pretrained', str(out / 'best_model' / 'model.pdparams'),
                      '--save_dir', str(tmp_path)])
    assert res.returncode == 0, res.stderr[-2000:]
    metrics = json.loads((tmp_path / 'metrics.json').read_text())
    assert abs(metrics['acc'] - max(accs)) < 1e-4 and 0 <= metrics['AP'] <= 1


def _train(capsys, root, save_dir, *extra):
    """train.py in this process (its main(argv)): the exit status, 0 on success."""
    code, _, err = run_inprocess('train.py', ['--config', LITE, '--dataset_root', root, '--save_dir', save_dir,
                                              '--batch_size', '2', '--log_iters', '1', '--augment', 'True', *extra],
                                 capsys)
    assert code in (0, None), err[-2000:]


def test_resume_repeats_the_uninterrupted_run(tiny_root, tmp_path, capsys):
    """--resume continues exactly: same weights as the uninterrupted run (augmentation on: its draws are seeded by
    (seed, epoch, index), the shuffle by the epoch)."""
    full, part = tmp_path / 'full', tmp_path / 'part'
    _train(capsys, tiny_root, full, '--max_epochs', '2')
    _train(capsys, tiny_root, part, '--max_epochs', '1')
    state = json.loads((part / 'latest' / 'state.json').read_text())
    assert state['epoch'] == 1 and state['iteration'] > 0
    _train(capsys, tiny_root, part, '--max_epochs', '2', '--resume', part / 'latest')
    a = paddle.load(str(full / 'latest' / 'model.pdparams'))
    b = paddle.load(str(part / 'latest' / 'model.pdparams'))
    for k in a:
        np.testing.assert_array_equal(a[k].numpy(), b[k].numpy(), err_msg=k)
    assert not any(n.startswith(('latest.tmp', 'latest.old')) for n in os.listdir(part))


def test_max_iters_stops_and_still_saves(tiny_root, tmp_path, capsys):
    _train(capsys, tiny_root, tmp_path, '--max_epochs', '5', '--max_iters', '1')
    assert json.loads((tmp_path / 'latest' / 'state.json').read_text())['iteration'] == 1
    assert (tmp_path / 'best_model' / 'model.pdparams').is_file()


@pytest.fixture(scope='module')
def even_root(tmp_path_factory) -> str:
    """8 train crops (3 val): 2 cards x 2 and 1 card x 4 see the same global batches, no padding."""
    from datasets.mini import make_mini
    return make_mini(str(tmp_path_factory.mktemp('even') / 'data'), 6, 2, seed=3)


def _full_loss(weights: str, root: str, split: str) -> float:
    """MovenetLoss of the weights over every crop of a split, eval mode."""
    from datasets.coco_crops import CocoCropDataset
    from models import MoveNet
    from models.loss import MovenetLoss
    net = MoveNet()
    net.set_state_dict(paddle.load(weights))
    net.eval()
    ds = CocoCropDataset(root, split, 192, False, 42)
    items = [ds[i] for i in range(len(ds))]
    img, labels, mask = [paddle.to_tensor(np.stack([it[j] for it in items])) for j in range(3)]
    with paddle.no_grad():
        return float(MovenetLoss()(net(img), labels, mask)['loss'])


def test_two_processes_end_where_one_process_ends(even_root, tmp_path):
    """Issue 10 (7). paddle.distributed.launch with 2 CPU processes x batch 2 against 1 process x batch 4 (same
    global batches, DistributedBatchSampler), 2 epochs: rank 0 alone logs and evaluates, over the WHOLE val set
    (samples: 3 in every [EVAL] line); both runs make the same number of updates. Tolerance: the weights themselves
    differ (BatchNorm statistics come from 2 instead of 4 samples per card, and Adam's first steps follow the sign
    of each gradient element), so the check is on the objective: the loss over the val set within 10% and over the
    train set within 20% of each other (measured 0.2% and 10%), both far below the initial loss."""
    args = ['train.py', '--config', LITE, '--dataset_root', even_root, '--max_epochs', '2', '--device', 'cpu']
    one = run_script([*args, '--save_dir', tmp_path / 'one', '--batch_size', '4'])
    assert one.returncode == 0, one.stderr[-3000:]
    two = run_script(['-m', 'paddle.distributed.launch', '--nproc_per_node', '2', '--log_dir', tmp_path / 'logs',
                      *args, '--save_dir', tmp_path / 'two', '--batch_size', '2'])
    assert two.returncode == 0, (two.stdout + two.stderr)[-3000:]
    logs = {k: (tmp_path / k / 'train.log').read_text() for k in ('one', 'two')}
    for log in logs.values():
        assert re.findall(r'\[EVAL\] epoch: (\d), .*samples: 3', log) == ['0', '1', '2'], log
    states = {k: json.loads((tmp_path / k / 'latest' / 'state.json').read_text()) for k in logs}
    assert states['one']['iteration'] == states['two']['iteration'] == 4
    init = tmp_path / 'init.pdparams'
    from models import MoveNet
    from utils import seed_everything
    seed_everything(42)  # train.py's init (configs/movenet_lite.yaml seed)
    paddle.save(MoveNet().state_dict(), str(init))
    for split, tol in (('val', 0.1), ('train', 0.2)):
        start = _full_loss(str(init), even_root, split)
        one_loss, two_loss = (_full_loss(str(tmp_path / k / 'latest' / 'model.pdparams'), even_root, split)
                              for k in ('one', 'two'))
        assert max(one_loss, two_loss) < 0.3 * start, (split, start, one_loss, two_loss)
        assert abs(two_loss - one_loss) <= tol * one_loss, (split, one_loss, two_loss)
