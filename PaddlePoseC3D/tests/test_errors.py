"""The one-line user errors of issue 9 (`error: <what>, <where>, <how to fix>`, exit status 2), run in-process
through each script's main(argv) as its `__main__` runs it; and the flag defaults that live in this folder."""
import os
import zipfile

import numpy as np
import pytest
import torch
from conftest import cli, one_error_line, script

from tools import convert_weights
from utils import in_root

train, test_script, predict, export_model, infer = (script(n) for n in ("train", "test", "predict", "export_model",
                                                                          "infer"))


def _torch_ckpt(path):
    torch.save({"state_dict": {"backbone.conv1.conv.weight": torch.zeros(4, 17, 1, 7, 7)}, "meta": {}}, path)
    return str(path)


@pytest.mark.parametrize("kind,match", [
    ("npy", "is a numpy .npy array, not a torch checkpoint"),
    ("text", "is a text file, not a torch checkpoint"),
    ("truncated", "the torch checkpoint is truncated"),
    ("garbage", "not a file torch.save wrote, not a torch checkpoint"),
])
def test_convert_rejects_files_that_are_not_torch_checkpoints(kind, match, tmp_path, capsys):
    src = tmp_path / f"w.{kind}"
    if kind == "npy":
        np.save(src, np.zeros(3))
    elif kind == "text":
        src.write_text("backbone.conv1 0.1 0.2\n")
    elif kind == "truncated":
        data = open(_torch_ckpt(tmp_path / "full.pth"), "rb").read()
        src.write_bytes(data[:len(data) // 2])
    else:
        src.write_bytes(bytes(range(200, 256)) * 4)
    code = cli(convert_weights.main, "--src", str(src), "--dst", str(tmp_path / "out.pdparams"))
    line = one_error_line(capsys)
    assert code == 2 and match in line and str(src) in line
    assert not (tmp_path / "out.pdparams").exists()


def test_convert_a_paddle_checkpoint_needs_no_conversion(tmp_path, capsys):
    import paddle
    paddle.save({"backbone.conv1.conv.weight": paddle.zeros([4, 17, 1, 7, 7])}, str(tmp_path / "w.pdparams"))
    assert cli(convert_weights.main, "--src", str(tmp_path / "w.pdparams"), "--dst", str(tmp_path / "o.pdparams")) == 2
    line = one_error_line(capsys)
    assert "is already a Paddle checkpoint" in line and "no conversion needed" in line and "--pretrained" in line


def test_convert_a_renamed_paddle_checkpoint_is_recognised_by_content(tmp_path, capsys):
    import paddle
    paddle.save({"a": paddle.zeros([2])}, str(tmp_path / "w.pth"))
    assert cli(convert_weights.main, "--src", str(tmp_path / "w.pth"), "--dst", str(tmp_path / "o.pdparams")) == 2
    assert "is already a Paddle checkpoint" in one_error_line(capsys)


@pytest.mark.parametrize("script", ["train", "test", "predict", "export"])
def test_pretrained_torch_checkpoint_names_the_converter_command(script, tmp_path, tiny_cfg, mini_pkl, capsys):
    ckpt = _torch_ckpt(tmp_path / "k400_posec3d-041f49c6.pth")
    argv = {"train": (train.main, "--config", tiny_cfg, "--dataset_root", mini_pkl, "--save_dir", str(tmp_path / "o"),
                      "--device", "cpu", "--pretrained", ckpt),
            "test": (test_script.main, "--config", tiny_cfg, "--dataset_root", mini_pkl, "--device", "cpu",
                     "--pretrained", ckpt),
            # the input is missing as well: the checkpoint is checked first (config, weights, input), so the
            # result does not depend on whether test_tipc/prepare.sh has written the default example
            "predict": (predict.main, "--config", tiny_cfg, "--device", "cpu", "--pretrained", ckpt,
                        "--input_file", str(tmp_path / "absent.pkl")),
            "export": (export_model.main, "--config", tiny_cfg, "--model_path", ckpt, "--save_dir", str(tmp_path))}
    main, *args = argv[script]
    assert cli(main, *args) == 2
    line = one_error_line(capsys)
    assert "is a PyTorch checkpoint" in line
    assert line.endswith(f"tools/convert_weights.py --src {ckpt} --dst {tmp_path / 'k400_posec3d-041f49c6'}.pdparams")
    assert ("--model_path" if script == "export" else "--pretrained") in line


def test_flag_defaults_resolve_in_this_folder_not_the_cwd(tmp_path, monkeypatch, mini_pkl, capsys):
    """`cd /tmp && python <folder>/test.py ...`: train's config, weights, example input and outputs default to this
    folder; test/predict/export/infer default to the config.yaml beside their weights (issue 12); a relative
    --config that is not in the cwd is looked up in this folder."""
    monkeypatch.chdir(tmp_path)
    config = in_root("configs", "posec3d_r50_ucf101_split1.yaml")
    a = train.parse_args(["--dataset_root", "x.pkl"])
    assert (a.config, a.save_dir) == (config, in_root("output"))
    a = test_script.parse_args(["--dataset_root", "x.pkl"])
    assert (a.config, a.pretrained) == (None, in_root("output", "best_model", "model.pdparams"))
    a = predict.parse_args([])
    assert (a.config, a.input_file, a.pretrained, a.save_dir) == (
        None, in_root("test_tipc", "data", "predict_example.pkl"), in_root("output", "best_model", "model.pdparams"),
        in_root("output", "vis"))
    a = export_model.parse_args(["--model_path", "m.pdparams"])
    assert (a.config, a.save_dir) == (None, in_root("output"))
    assert infer.parse_args(["--input_file", "x.pkl"]).config is None
    # a relative --config from another directory, and the default weights path in the error message
    weights = in_root("output", "best_model", "model.pdparams")
    if not os.path.exists(weights):
        assert cli(test_script.main, "--config", "configs/posec3d_lite.yaml", "--dataset_root", mini_pkl,
                   "--device", "cpu") == 2
        assert f"weights not found, --pretrained {weights}" in one_error_line(capsys)


def test_truncated_zip_is_not_mistaken_for_a_paddle_file(tmp_path):
    from utils.checkpoint import checkpoint_kind
    path = _torch_ckpt(tmp_path / "a.pth")
    assert checkpoint_kind(path) == "torch" and zipfile.is_zipfile(path)
    torch.save({"a": torch.zeros(2)}, tmp_path / "legacy.pth", _use_new_zipfile_serialization=False)
    assert checkpoint_kind(str(tmp_path / "legacy.pth")) == "torch"
