"""Conversion by name, pretrained loading rules, atomic saves, exact resume."""
import json
import os

import numpy as np
import paddle
import pytest
import torch

from conftest import run_script
from models import build_model
from utils import UserError
from utils.checkpoint import atomic_save_dir, convert_torch_state_dict, load_weights


def small_model(num_classes=4):
    return build_model(dict(num_classes=num_classes, num_segments=2))


def torch_style(model, prefix=True, classes=None) -> dict:
    """This model's state dict renamed/transposed the way torch (MVFNet or torchvision) stores it."""
    sd = {}
    for k, v in model.state_dict().items():
        v = v.numpy()
        k = k.replace("_mean", "running_mean").replace("_variance", "running_var")
        if k == "cls_head.new_fc.weight":
            v = v.T if classes is None else np.zeros((classes, 2048), "float32")
        if k == "cls_head.new_fc.bias" and classes is not None:
            v = np.zeros(classes, "float32")
        if not prefix:
            if k.startswith("cls_head"):
                continue
            k = k[len("backbone."):].replace("conv1.net.", "conv1.")
            if any(s in k for s in ("shift_conv", "h_conv", "w_conv", "conv1.bn")):
                continue
        sd[k] = v
    return sd


def test_convert_mvfnet_names_roundtrip():
    paddle.seed(1)
    model = small_model()
    src = torch_style(model)
    src["backbone.bn1.num_batches_tracked"] = np.array(3)
    out = convert_torch_state_dict({"module." + k: v for k, v in src.items()})
    own = model.state_dict()
    assert set(out) == set(own)
    assert all(np.array_equal(out[k], own[k].numpy()) for k in own)


def test_torchvision_resnet50_maps_into_mvf_stages(tmp_path):
    sd = torch_style(small_model(), prefix=False)
    sd["fc.weight"], sd["fc.bias"] = np.zeros((1000, 2048), "float32"), np.zeros(1000, "float32")
    assert "layer3.0.conv1.weight" in sd
    messages = []
    out = convert_torch_state_dict(sd, report=messages.append)
    assert "backbone.layer3.0.conv1.net.weight" in out and "backbone.layer2.0.conv1.weight" in out
    assert "fc.weight" in messages[0]
    path = str(tmp_path / "resnet50.pth")
    torch.save({"state_dict": {k: torch.from_numpy(np.asarray(v)) for k, v in sd.items()}}, path)
    logs = []
    load_weights(small_model(), path, log=logs.append)
    assert any("shift_conv" in m and "keeping its initialisation" in m for m in logs)


def test_k400_head_is_reinitialised_with_warning(tmp_path):
    path = str(tmp_path / "k400.pth")
    torch.save({k: torch.from_numpy(np.asarray(v)) for k, v in torch_style(small_model(), classes=400).items()}, path)
    logs = []
    model = small_model(4)
    load_weights(model, path, log=logs.append)
    assert any("re-initialised cls_head.new_fc" in m for m in logs)
    assert model.cls_head.new_fc.weight.shape == [2048, 4]


def test_checkpoint_of_another_model_is_a_user_error(tmp_path):
    path = str(tmp_path / "other.pdparams")
    paddle.save({"encoder.weight": paddle.zeros([3, 3])}, path)
    with pytest.raises(UserError, match="another model"):
        load_weights(small_model(), path)
    sd = small_model().state_dict()
    sd["backbone.conv1.weight"] = paddle.zeros([64, 1, 7, 7])
    paddle.save(sd, path)
    with pytest.raises(UserError, match="another model"):
        load_weights(small_model(), path)


def test_atomic_save_keeps_old_checkpoint_on_failure(tmp_path):
    dst = str(tmp_path / "latest")
    atomic_save_dir(dst, lambda d: open(os.path.join(d, "a.txt"), "w").write("old"))

    def crash(d):
        open(os.path.join(d, "a.txt"), "w").write("half")
        raise KeyboardInterrupt
    with pytest.raises(KeyboardInterrupt):
        atomic_save_dir(dst, crash)
    assert open(os.path.join(dst, "a.txt")).read() == "old"


def train(root, save_dir, *extra):
    r = run_script("train.py", "--config", "configs/mvf_r50_lite.yaml", "--dataset_root", root, "--save_dir",
                   save_dir, "--device", "cpu", "--batch_size", "4", "--precise_bn_iters", "0",
                   "--eval_interval", "100", *extra)
    assert r.returncode == 0, r.stderr[-3000:]
    return r


def test_resume_gives_the_same_weights(tiny_root, tmp_path):
    a, b = str(tmp_path / "a"), str(tmp_path / "b")
    train(tiny_root, a, "--max_epochs", "2")
    train(tiny_root, b, "--max_epochs", "2", "--max_iters", "1")
    with open(os.path.join(b, "latest", "state.json")) as f:
        assert json.load(f)["iteration"] == 1
    train(tiny_root, b, "--max_epochs", "2", "--resume", os.path.join(b, "latest"))
    wa = paddle.load(os.path.join(a, "latest", "model.pdparams"))
    wb = paddle.load(os.path.join(b, "latest", "model.pdparams"))
    assert all(np.array_equal(wa[k].numpy(), wb[k].numpy()) for k in wa)


def test_convert_weights_cli_drops_a_mismatched_head(tmp_path):
    src, dst = str(tmp_path / "R50_16x4.pth"), str(tmp_path / "out.pdparams")
    sd = {k: torch.from_numpy(np.asarray(v)) for k, v in torch_style(small_model(), classes=400).items()}
    torch.save({"meta": {}, "state_dict": sd}, src)
    r = run_script("tools/convert_weights.py", "--src", src, "--dst", dst, "--num_classes", "101")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "400 classes" in r.stdout
    out = paddle.load(dst)
    assert "cls_head.new_fc.weight" not in out and "backbone.layer4.2.conv1.w_conv.weight" in out
    r = run_script("tools/convert_weights.py", "--src", str(tmp_path / "none.pth"), "--dst", dst)
    assert r.returncode == 2 and r.stderr.strip().splitlines()[-1].startswith("error: ")
