import os
import pickle

import numpy as np
import pytest

from datasets.feeder import NTUFeeder, load_input_file
from utils import UserError


def write_split(root, data, labels, names=None):
    os.makedirs(root, exist_ok=True)
    np.save(os.path.join(root, 'train_data.npy'), data)
    names = names or [f'S001C001P001R001A{i + 1:03d}' for i in range(len(labels))]
    with open(os.path.join(root, 'train_label.pkl'), 'wb') as f:
        pickle.dump((names, labels, [10] * len(labels)), f)
    return str(root)


def test_feeder_sample(mini_root):
    ds = NTUFeeder(mini_root, 'eval', num_frame=24, num_class=4)
    x, y = ds[0]
    assert x.shape == (3, 6, 24, 25, 2) and x.dtype == np.float32 and 0 <= y < 4
    assert len(ds) == 24


@pytest.mark.parametrize('data,labels,msg', [
    (np.zeros((2, 3, 10, 17, 2), np.float32), [0, 1], 'expected \\[N, 3, T, 25, M\\]'),
    (np.zeros((2, 3, 10, 25, 2), np.float64), [0, 1], 'dtype float64'),
    (np.zeros((2, 3, 10, 25, 2), np.float32), [0], '1 labels for 2 samples'),
    (np.zeros((2, 3, 10, 25, 2), np.float32), [0, 7], 'num_class'),
])
def test_feeder_validators(tmp_path, data, labels, msg):
    with pytest.raises(UserError, match=msg):
        NTUFeeder(write_split(tmp_path / 'split', data, labels), 'train', num_frame=8, num_class=4)


def test_feeder_missing_files_and_nan(tmp_path):
    with pytest.raises(UserError, match='not found'):
        NTUFeeder(str(tmp_path), 'train', 8, 4)
    data = np.zeros((1, 3, 10, 25, 2), np.float32)
    data[0, 0, 0, 0, 0] = np.nan
    ds = NTUFeeder(write_split(tmp_path / 'nan', data, [0]), 'train', 8, 4)
    with pytest.raises(UserError, match='NaN'):
        ds[0]


def test_load_input_file(mini_root, tmp_path):
    data, names, labels = load_input_file(os.path.join(mini_root, 'eval_data.npy'),
                                          os.path.join(mini_root, 'eval_label.pkl'))
    assert data.shape[0] == len(names) == len(labels) == 24
    bad = tmp_path / 'x.txt'
    bad.write_text('1')
    with pytest.raises(UserError, match='unknown input type'):
        load_input_file(str(bad))


def test_tiny_data_gen(mini_root, tmp_path):
    import importlib.util
    spec = importlib.util.spec_from_file_location('tiny', os.path.join(os.path.dirname(__file__), '..', 'dataset',
                                                                       'tiny_data_gen.py'))
    tiny = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tiny)
    assert tiny.make_tiny(mini_root, str(tmp_path), 5) == {'train': 5, 'eval': 5}
    ds = NTUFeeder(str(tmp_path), 'train', num_frame=24, num_class=4)
    assert len(ds) == 5 and ds[4][0].shape == (3, 6, 24, 25, 2)
