import os
import pickle

import numpy as np
import pytest

from datasets.feeder import NTUFeeder, load_input_file
from utils import UserError


def write_split(root, data, labels, names=None):
    os.makedirs(root, exist_ok=True)
    np.save(os.path.join(root, 'train_data.npy'), data)
    names = names or [f'S001C001P001R001A{i + 1:03d}' for i in range(len(data))]
    with open(os.path.join(root, 'train_label.pkl'), 'wb') as f:
        pickle.dump((names, labels, [10] * len(labels)), f)
    return str(root)


def test_feeder_sample(mini_root):
    ds = NTUFeeder(mini_root, 'eval', num_frame=24, num_class=4, inputs='JVB')
    x, y = ds[0]
    assert x.shape == (3, 6, 24, 25, 2) and x.dtype == np.float32 and 0 <= y < 4
    assert len(ds) == 24


@pytest.mark.parametrize('data,labels,msg', [
    (np.zeros((2, 3, 10, 17, 2), np.float32), [0, 1], 'expected \\[N, 3, T, 25, M\\]'),
    (np.zeros((2, 3, 10, 25, 2), np.float64), [0, 1], 'dtype float64'),
    (np.ones((2, 3, 10, 25, 2), np.float32), [0], '1 labels for 2 samples'),
    (np.ones((2, 3, 10, 25, 2), np.float32), [0, 7], 'num_class'),
    (np.ones((2, 3, 10, 25, 2), np.float32), [0.5, 1.5], 'not whole numbers'),
    (np.zeros((2, 3, 10, 25, 2), np.float32), [0, 1], 'all zero'),
])
def test_feeder_validators(tmp_path, data, labels, msg):
    with pytest.raises(UserError, match=msg):
        NTUFeeder(write_split(tmp_path / 'split', data, labels), 'train', num_frame=8, num_class=4, inputs='JVB')


def test_feeder_missing_files_and_nan(tmp_path):
    """Issue 10: NaN is found when the split is opened (before training), not by a loader worker."""
    with pytest.raises(UserError, match='not found'):
        NTUFeeder(str(tmp_path), 'train', 8, 4, 'JVB')
    data = np.ones((1, 3, 10, 25, 2), np.float32)
    data[0, 0, 0, 0, 0] = np.nan
    with pytest.raises(UserError, match='sample 0 .* holds NaN'):
        NTUFeeder(write_split(tmp_path / 'nan', data, [0]), 'train', 8, 4, 'JVB')


def test_load_input_file(mini_root, tmp_path):
    data, names, labels = load_input_file(os.path.join(mini_root, 'eval_data.npy'),
                                          os.path.join(mini_root, 'eval_label.pkl'))
    assert data.shape[0] == len(names) == len(labels) == 24
    bad = tmp_path / 'x.txt'
    bad.write_text('1')
    with pytest.raises(UserError, match='unknown input type'):
        load_input_file(str(bad))


def test_tiny_data_gen(capsys, mini_root, tmp_path):
    """The seed's tiny-data tool (tools/tiny_data_gen.py over datasets/tiny.py)."""
    from conftest import cli
    code, out, err = cli(capsys, 'tools/tiny_data_gen.py', '--src', mini_root, '--dst', tmp_path, '--num', 5)
    assert code == 0 and "{'train': 5, 'eval': 5}" in out, err
    ds = NTUFeeder(str(tmp_path), 'train', num_frame=24, num_class=4, inputs='JVB')
    assert len(ds) == 5 and ds[4][0].shape == (3, 6, 24, 25, 2)
