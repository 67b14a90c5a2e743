"""Reader, split and validators (datasets/reader.py); the scripts' error lines are in test_bad_inputs.py."""
import os

import numpy as np
import pytest

from datasets.reader import load_labels, split_indices, validate_data
from utils.common import UserError


def test_seed_split_rule():
    """The seed's held-out split: sample i is validation when i % 7 == 1; --full_train trains on all."""
    val, train = split_indices(15, "val"), split_indices(15, "train")
    assert list(val) == [1, 8]
    assert len(train) == 13 and not set(val) & set(train)
    assert len(split_indices(15, "train", full_train=True)) == 15


def test_validator_accepts_mini(tiny_root):
    validate_data(np.load(os.path.join(tiny_root, "train_data.npy")), "tiny")


def test_validator_names_the_sample():
    data = np.ones((3, 3, 4, 25, 1), dtype=np.float32)
    data[2, 0, 1] = np.inf
    with pytest.raises(UserError, match="sample 2 contains NaN or inf"):
        validate_data(data, "here")


def test_integral_float_labels_are_accepted(tmp_path):
    """PaddleVideo's SkeletonDataset casts labels with astype('int64'); whole floats (3.0) keep their class, 0.5
    would be cut to 0 and is refused."""
    np.save(tmp_path / "l.npy", np.array([0.0, 3.0, 4.0]))
    assert load_labels(str(tmp_path / "l.npy"), 3, 5).tolist() == [0, 3, 4]
    np.save(tmp_path / "l.npy", np.array([[1], [2], [0]]))  # [N, 1] as some converters write it
    assert load_labels(str(tmp_path / "l.npy"), 3, 5).tolist() == [1, 2, 0]
