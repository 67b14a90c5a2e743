"""Conversion by name, pretrained loading rules, atomic saves, exact resume."""
import json
import os

import numpy as np
import paddle
import pytest
import torch
from conftest import ROOT, model_cfg, run_cli, run_script

from models import build_model
from tools.convert_weights import convert
from utils import UserError
from utils.atomic_io import save_dir_atomic
from utils.checkpoint import convert_torch_state_dict, load_weights


def small_model(num_classes=4):
    return build_model(model_cfg(num_classes=num_classes))


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
    src, dst = str(tmp_path / "resnet50.pth"), str(tmp_path / "resnet50.pdparams")
    torch.save({"state_dict": {k: torch.from_numpy(np.asarray(v)) for k, v in sd.items()}}, src)
    convert(src, dst, log=lambda *_: None)
    logs = []
    load_weights(small_model(), dst, finetune=True, log=logs.append)
    assert any("shift_conv" in m and "keeping its initialisation" in m for m in logs)


def test_k400_head_is_reinitialised_with_warning(tmp_path):
    src, dst = str(tmp_path / "k400.pth"), str(tmp_path / "k400.pdparams")
    torch.save({k: torch.from_numpy(np.asarray(v)) for k, v in torch_style(small_model(), classes=400).items()}, src)
    convert(src, dst, log=lambda *_: None)
    logs = []
    model = small_model(4)
    load_weights(model, dst, finetune=True, log=logs.append)
    assert any("cls_head.new_fc" in m and ("re-initialised" in m or "keeping its initialisation" in m) for m in logs)
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
    save_dir_atomic(dst, {"a.txt": b"old"})
    with pytest.raises(TypeError):  # a value json cannot write: the save fails half-way
        save_dir_atomic(dst, {"a.txt": b"half", "b.json": {"w": object()}})
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


def test_convert_weights_cli_drops_a_mismatched_head(tmp_path, capsys):
    """--num_classes against a checkpoint of another class count: one line naming the dropped tensors and why."""
    from tools.convert_weights import main
    src, dst = str(tmp_path / "R50_16x4.pth"), str(tmp_path / "out.pdparams")
    sd = {k: torch.from_numpy(np.asarray(v)) for k, v in torch_style(small_model(), classes=400).items()}
    torch.save({"meta": {}, "state_dict": sd}, src)
    code, out, _ = run_cli(main, ["--src", src, "--dst", dst, "--num_classes", "101"], capsys)
    assert code == 0
    line = [x for x in out.splitlines() if x.startswith("warning: dropped")]
    assert len(line) == 1 and "cls_head.new_fc.weight [2048, 400]" in line[0] and "cls_head.new_fc.bias [400]" in line[0]
    assert "400 classes" in line[0] and "--num_classes is 101" in line[0]
    out = paddle.load(dst)
    assert "cls_head.new_fc.weight" not in out and "backbone.layer4.2.conv1.w_conv.weight" in out
    code, _, err = run_cli(main, ["--src", str(tmp_path / "none.pth"), "--dst", dst], capsys)
    assert code == 2 and len(err) == 1 and err[0].startswith("error: --src")


@pytest.mark.parametrize("kind,message", [
    ("npy", "not a PyTorch checkpoint (a NumPy .npy array)"), ("text", "not a PyTorch checkpoint (a text file)"),
    ("truncated", "not a PyTorch checkpoint (a truncated or damaged zip archive)"),
    ("pdparams", "already a Paddle checkpoint (.pdparams), no conversion needed")])
def test_convert_weights_refuses_files_that_are_not_torch_checkpoints(tmp_path, capsys, kind, message):
    from tools.convert_weights import main
    src = str(tmp_path / f"weights.{kind}")
    if kind == "npy":
        np.save(src, np.zeros(3))  # the name already ends in .npy
    elif kind == "text":
        open(src, "w").write("not weights\n")
    elif kind == "truncated":
        full = str(tmp_path / "full.pth")
        torch.save({"w": torch.zeros(4)}, full)
        open(src, "wb").write(open(full, "rb").read()[:300])
    else:
        paddle.save(small_model().state_dict(), src)
    code, _, err = run_cli(main, ["--src", src, "--dst", str(tmp_path / "out.pdparams")], capsys)
    assert code == 2 and len(err) == 1 and err[0].startswith("error: ") and message in err[0], err
    assert not os.path.exists(tmp_path / "out.pdparams")


def test_pretrained_torch_checkpoint_gives_the_converter_command(tmp_path):
    """load_weights (train/test/predict --pretrained, export --model_path) on a torch checkpoint: the
    error names tools/convert_weights.py and the exact command; the legacy torch format too."""
    for legacy in (False, True):
        src = str(tmp_path / f"R50_16x4_{int(legacy)}.pth")
        torch.save({"w": torch.zeros(2)}, src, _use_new_zipfile_serialization=not legacy)
        with pytest.raises(UserError) as e:
            load_weights(small_model(4), src, flag="--model_path")
        msg = str(e.value)
        cmd = (f"python {os.path.join(ROOT, 'tools', 'convert_weights.py')} --src {src} "
               f"--dst {src[:-4]}.pdparams --num_classes 4")
        assert "--model_path" in msg and "PyTorch checkpoint" in msg and cmd in msg and "\n" not in msg
    for content in (b"hello", b"\x93NUMPY..."):
        bad = tmp_path / "bad.pdparams"
        bad.write_bytes(content)
        with pytest.raises(UserError, match="not a Paddle checkpoint"):
            load_weights(small_model(4), str(bad))


@pytest.mark.parametrize("script", ["test.py", "predict.py", "export_model.py"])
def test_scripts_refuse_a_torch_checkpoint_with_one_line(tmp_path, capsys, mini_root, script):
    import importlib.util
    src = str(tmp_path / "R50_16x4.pth")
    torch.save({"w": torch.zeros(2)}, src)
    spec = importlib.util.spec_from_file_location(f"mvf_script_{script[:-3]}", os.path.join(ROOT, script))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    lite = os.path.join(ROOT, "configs", "mvf_r50_lite.yaml")
    frames = os.path.join(mini_root, "rawframes", "MoveUp", "v_MoveUp_g01_c01")
    argv = {"test.py": ["--config", lite, "--dataset_root", mini_root, "--pretrained", src, "--device", "cpu"],
            "predict.py": ["--config", lite, "--video", frames, "--pretrained", src, "--device", "cpu"],
            "export_model.py": ["--config", lite, "--model_path", src, "--save_dir", str(tmp_path / "inf")]}[script]
    code, _, err = run_cli(mod.main, argv, capsys)
    assert code == 2 and len(err) == 1 and "tools/convert_weights.py --src " + src in err[0], err
