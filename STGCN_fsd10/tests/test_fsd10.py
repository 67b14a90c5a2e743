"""Reader, split and validators; each user error of CONVENTIONS §5 ends in `error:` and exit status 2."""
import os

import numpy as np
import paddle
import pytest

from conftest import LITE_CONFIG, run_script
from datasets.fsd10 import split_indices, validate_data
from models import build_model
from utils.common import UserError


def test_seed_split_rule():
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


def broken_root(tmp_path, tiny_root, data=None, labels=None):
    """A copy of the tiny set with data and/or labels replaced."""
    data = np.load(os.path.join(tiny_root, "train_data.npy")) if data is None else data
    labels = np.load(os.path.join(tiny_root, "train_label.npy")) if labels is None else labels
    np.save(tmp_path / "train_data.npy", data)
    np.save(tmp_path / "train_label.npy", labels)
    return str(tmp_path)


def tiny_data(tiny_root):
    return np.load(os.path.join(tiny_root, "train_data.npy"))


def expect_user_error(result, *words):
    assert result.returncode == 2, result.stderr[-2000:]
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("error: "), result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in last


def train(root, *extra):
    return run_script("train.py", f"--config={LITE_CONFIG}", f"--dataset_root={root}", "--device=cpu",
                      "--max_epochs=1", f"--save_dir={root}/out", *extra)


def test_missing_file(tmp_path):
    expect_user_error(train(str(tmp_path / "nowhere")), "data file not found")


def test_wrong_ndim(tmp_path, tiny_root):
    expect_user_error(train(broken_root(tmp_path, tiny_root, data=tiny_data(tiny_root)[:, :, :, :, 0])), "5 dims")


def test_three_joints(tmp_path, tiny_root):
    expect_user_error(train(broken_root(tmp_path, tiny_root, data=tiny_data(tiny_root)[:, :, :, :3])),
                      "25 joints")


def test_nan(tmp_path, tiny_root):
    data = tiny_data(tiny_root).copy()
    data[5, 0, 3, 7, 0] = np.nan
    expect_user_error(train(broken_root(tmp_path, tiny_root, data=data)), "sample 5 contains NaN")


def test_all_zero_sample(tmp_path, tiny_root):
    data = tiny_data(tiny_root).copy()
    data[3] = 0
    expect_user_error(train(broken_root(tmp_path, tiny_root, data=data)), "sample 3 is all zeros")


def test_label_count_mismatch(tmp_path, tiny_root):
    labels = np.load(os.path.join(tiny_root, "train_label.npy"))[:-2]
    expect_user_error(train(broken_root(tmp_path, tiny_root, labels=labels)), "12 labels for 14 samples")


def test_checkpoint_of_another_model(tmp_path, tiny_root):
    other = tmp_path / "other.pdparams"
    paddle.save({"conv1.weight": paddle.zeros([8, 3, 3, 3]), "fc.weight": paddle.zeros([8, 5])}, str(other))
    expect_user_error(train(tiny_root, f"--pretrained={other}"), "checkpoint of another model")


def test_checkpoint_of_another_graph(tmp_path, tiny_root):
    model = build_model({"num_classes": 5, "layout": "ntu-rgb+d"})
    path = str(tmp_path / "ntu.pdparams")
    paddle.save(model.state_dict(), path)
    expect_user_error(run_script("test.py", f"--config={LITE_CONFIG}", f"--dataset_root={tiny_root}",
                                 f"--pretrained={path}", "--device=cpu"), "another skeleton graph")
