"""Checkpoint io: atomic directory swap, and what load_pretrained accepts, re-initialises or refuses."""
import os

import numpy as np
import paddle
import pytest
from conftest import model_cfg

from models import build_model
from utils import checkpoint
from utils.atomic_io import save_dir_atomic
from utils.checkpoint import load_pretrained
from utils.common import UserError


def test_interrupted_save_keeps_previous_checkpoint(tmp_path, monkeypatch):
    dst = str(tmp_path / "latest")
    save_dir_atomic(dst, {"state.json": {"epoch": 1}})

    def killed(*args, **kwargs):
        raise KeyboardInterrupt  # as if the process died while writing the weights
    monkeypatch.setattr(paddle, "save", killed)
    with pytest.raises(KeyboardInterrupt):
        save_dir_atomic(dst, {"state.json": {"epoch": 2}, "model.pdparams": {}})
    assert checkpoint.read_json(os.path.join(dst, "state.json")) == {"epoch": 1}
    assert sorted(os.listdir(dst)) == [".complete", "state.json"]


def test_other_class_count_reinitialises_head_only_when_fine_tuning(tmp_path):
    paddle.seed(1)
    source = build_model(model_cfg(num_classes=30))
    path = str(tmp_path / "fsd.pdparams")
    paddle.save(source.state_dict(), path)
    target = build_model(model_cfg(num_classes=5))
    load_pretrained(target, path, new_head_ok=True)
    np.testing.assert_array_equal(target.backbone.st_gcn_networks[3].gcn.conv.weight.numpy(),
                                  source.backbone.st_gcn_networks[3].gcn.conv.weight.numpy())
    assert target.head.fcn.weight.shape == [5, 256, 1, 1]
    with pytest.raises(UserError, match="has 30 classes but the config's model.num_classes is 5"):
        load_pretrained(build_model(model_cfg(num_classes=5)), path)  # test/predict/export: no silent new head


def test_checkpoint_without_graph_buffer_loads(tmp_path):
    """PaddleVideo-style files may lack the buffer A; the graph then comes from the config."""
    source = build_model(model_cfg(num_classes=30))
    state = {k: v for k, v in source.state_dict().items() if k != "backbone.A"}
    path = str(tmp_path / "no_a.pdparams")
    paddle.save(state, path)
    target = build_model(model_cfg(num_classes=30))
    load_pretrained(target, path)
    np.testing.assert_array_equal(target.head.fcn.weight.numpy(), source.head.fcn.weight.numpy())


def test_other_input_channels_refused(tmp_path):
    path = str(tmp_path / "c3.pdparams")
    paddle.save(build_model(model_cfg(in_channels=3, num_classes=30)).state_dict(), path)
    with pytest.raises(UserError, match="reshaped"):
        load_pretrained(build_model(model_cfg(in_channels=2, num_classes=30)), path, new_head_ok=True)
