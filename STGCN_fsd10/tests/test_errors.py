"""Issue 9's general errors: each one line `error: <what>, <where>, <how to fix>`, exit status 2.

convert_weights on files that are not torch checkpoints, --num_classes dropping a head, --pretrained given a
torch checkpoint (train/test/predict/export name the converter command), and flag defaults resolved in
this folder rather than the current directory.
"""
import os
import shlex

import numpy as np
import paddle
import pytest
import yaml
from conftest import LITE_CONFIG, ROOT, load_script, model_cfg, quiet, user_error_line

from models import build_model
from tools import convert_weights

torch = pytest.importorskip("torch")


def yysijie_state(model) -> dict:
    """A Paddle model's state dict under yysijie/st-gcn's torch names (net/st_gcn.py Model)."""
    out = {}
    for key, value in model.state_dict().items():
        key = key.replace("backbone.", "", 1).replace("head.", "", 1)
        key = key.replace("._mean", ".running_mean").replace("._variance", ".running_var")
        out[key] = torch.from_numpy(value.numpy().copy())
    return out


@pytest.fixture(scope="module")
def torch_ckpt(tmp_path_factory):
    """An st-gcn torch checkpoint of the lite model (5 classes) in torch's zip format."""
    paddle.seed(7)
    model = build_model(model_cfg(num_classes=5))
    path = str(tmp_path_factory.mktemp("torch") / "st_gcn.fsd.pth")
    torch.save(yysijie_state(model), path)
    return path, model


@pytest.mark.parametrize("kind", ["npy", "text", "truncated_zip", "truncated_legacy", "empty"])
def test_convert_refuses_files_that_are_not_torch_checkpoints(kind, tmp_path, torch_ckpt, capsys):
    src = tmp_path / f"bad.{kind}"
    if kind == "npy":
        np.save(tmp_path / "bad.npy", np.zeros(3))
        src = tmp_path / "bad.npy"
    elif kind == "text":
        src.write_text("weights: see https://example.org\n")
    elif kind == "truncated_zip":
        data = open(torch_ckpt[0], "rb").read()
        src.write_bytes(data[:len(data) // 2])
    elif kind == "truncated_legacy":  # torch < 1.6 format, as yysijie's released st_gcn.*.pt
        full = tmp_path / "legacy.pt"
        torch.save({"fcn.bias": torch.zeros(3)}, full, _use_new_zipfile_serialization=False)
        data = full.read_bytes()
        src.write_bytes(data[:len(data) - 20])
    else:
        src.write_bytes(b"")
    line = user_error_line(convert_weights.main, [f"--src={src}", f"--dst={tmp_path / 'out.pdparams'}"], capsys)
    assert str(src) in line
    assert ("numpy file, not a torch checkpoint" in line if kind == "npy"
            else "cannot read" in line and "as a torch checkpoint" in line)
    assert not os.path.exists(tmp_path / "out.pdparams")


def test_convert_says_a_paddle_checkpoint_needs_no_conversion(tmp_path, capsys):
    src = str(tmp_path / "model.pdparams")
    paddle.save(build_model(model_cfg(num_classes=5)).state_dict(), src)
    line = user_error_line(convert_weights.main, [f"--src={src}", f"--dst={tmp_path / 'x.pdparams'}"], capsys)
    assert "is already a Paddle checkpoint, no conversion needed" in line and src in line


def test_convert_num_classes_says_which_head_tensors_it_dropped(torch_ckpt, tmp_path, capsys):
    src, _ = torch_ckpt
    convert_weights.main([f"--src={src}", f"--dst={tmp_path / 'out.pdparams'}", "--num_classes=30"])
    notes = [line for line in capsys.readouterr().out.splitlines() if "dropped" in line]
    assert notes == ["note: dropped head.fcn.weight [5, 256, 1, 1] and head.fcn.bias [5]: the checkpoint's "
                     "classifier has 5 classes, --num_classes is 30; train.py --pretrained re-initialises the head"]
    assert "head.fcn.weight" not in paddle.load(str(tmp_path / "out.pdparams"))


def test_fine_tuning_reports_the_dropped_head_in_one_line(tmp_path, capsys):
    from utils.checkpoint import load_pretrained
    path = str(tmp_path / "c30.pdparams")
    paddle.save(build_model(model_cfg(num_classes=30)).state_dict(), path)
    load_pretrained(build_model(model_cfg(num_classes=5)), path, new_head_ok=True)
    out = capsys.readouterr().out.splitlines()
    dropped = [line for line in out if "dropped" in line]
    assert dropped == [f"warning: dropped head.fcn.weight [30, 256, 1, 1], head.fcn.bias [30] from {path}: the "
                       "checkpoint's classifier has 30 classes, model.num_classes is 5; the head is re-initialised "
                       "(fine-tuning)"]


@pytest.mark.parametrize("script", ["train", "test", "predict", "export_model"])
def test_pretrained_torch_checkpoint_names_the_converter_command(script, torch_ckpt, tiny_root, tmp_path, capsys):
    src, model = torch_ckpt
    flag = "--model_path" if script == "export_model" else "--pretrained"
    argv = [f"--config={LITE_CONFIG}", f"{flag}={src}"]
    argv += {"train": [f"--dataset_root={tiny_root}", "--device=cpu", f"--save_dir={tmp_path / 'out'}"],
             "test": [f"--dataset_root={tiny_root}", "--device=cpu"],
             "predict": [f"--input_file={os.path.join(tiny_root, 'example_sample.npy')}", "--device=cpu"],
             "export_model": [f"--save_dir={tmp_path / 'inference'}"]}[script]
    line = user_error_line(load_script(script).main, argv, capsys)
    command = f"python {os.path.join(ROOT, 'tools', 'convert_weights.py')} --src {src} --dst {src[:-4]}.pdparams"
    assert line.endswith(command), line
    assert "is a PyTorch checkpoint" in line
    if script == "test":  # the command it names works and gives a checkpoint the script loads
        convert_weights.main(shlex.split(command)[2:])
        converted = paddle.load(src[:-4] + ".pdparams")
        np.testing.assert_array_equal(converted["head.fcn.weight"].numpy(), model.head.fcn.weight.numpy())


def test_flag_defaults_resolve_in_the_script_folder(tmp_path, monkeypatch):
    """`cd /tmp && python .../STGCN_fsd10/export_model.py --config configs/stgcn_fsd10.yaml ...` finds the config
    in the folder: every default path of train/test/predict/export/infer is absolute, inside this folder, and a
    relative --config that is not in the current directory is looked up in the folder."""
    for script in ("train", "test", "predict", "export_model", "infer"):
        module = load_script(script)
        argv = ["--input_file=x.npy"] if script in ("predict", "infer") else []
        args = vars(module.parse_args(argv))
        for key in ("config", "dataset_root", "pretrained", "save_dir", "model_path", "output"):
            value = args.get(key)
            if value:
                assert os.path.isabs(value) and value.startswith(ROOT), (script, key, value)
    paddle.seed(0)
    ckpt = str(tmp_path / "model.pdparams")
    paddle.save(build_model(model_cfg(num_classes=30)).state_dict(), ckpt)  # configs/stgcn_fsd10.yaml: 30 classes
    monkeypatch.chdir(tmp_path)  # no configs/ here
    quiet(load_script("export_model").main, ["--config=configs/stgcn_fsd10.yaml", f"--model_path={ckpt}",
                                             f"--save_dir={tmp_path / 'inference'}"])
    info = yaml.safe_load(open(tmp_path / "inference" / "config.yaml"))
    assert info["model"]["num_classes"] == 30 and info["data"]["transforms"][0]["AutoPadding"]["window_size"] == 1000
