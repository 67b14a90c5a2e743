"""Reader, validator, list builder, frame extractor, and their user errors."""
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
from conftest import run_script

from datasets import build_dataset
from datasets.mini import make_clip, write_video
from datasets.rawframes import read_list, validate_records
from utils import UserError


def copy_root(src: str, dst: str) -> str:
    shutil.copytree(src, dst)
    return dst


def test_lists_match_ucf_split_rule(mini_root):
    train = read_list(os.path.join(mini_root, "ucf101_train_split_2_rawframes.txt"))
    val = read_list(os.path.join(mini_root, "ucf101_val_split_2_rawframes.txt"))
    assert len(train) == 32 and len(val) == 16
    assert all("_g03_" in r[0] or "_g04_" in r[0] for r in val)
    rel, total, label = train[0]
    assert rel == "MoveRight/v_MoveRight_g01_c01" and 20 <= total <= 28 and label == 0
    assert len(os.listdir(os.path.join(mini_root, "rawframes", rel))) == total


def test_dataset_item(mini_root):
    from conftest import LITE

    from utils.config import load_config
    ds = build_dataset(load_config(LITE, {"data.dataset_root": mini_root}), "val")
    imgs, label = ds[0]
    assert imgs.shape == (2, 3, 32, 32) and imgs.dtype == np.float32 and label.dtype == np.int64


@pytest.mark.parametrize("breakage,message", [
    ("missing_dir", "missing"), ("empty_dir", "empty"), ("missing_frame", "frame"),
    ("bad_image", "not a readable image"), ("bad_label", "outside")])
def test_validator_errors(mini_root, tmp_path, breakage, message):
    root = copy_root(mini_root, str(tmp_path / "ucf"))
    frames = os.path.join(root, "rawframes")
    records = read_list(os.path.join(root, "ucf101_train_split_1_rawframes.txt"))
    rel, total, label = records[0]
    d = os.path.join(frames, rel)
    if breakage == "missing_dir":
        shutil.rmtree(d)
    elif breakage == "empty_dir":
        shutil.rmtree(d)
        os.makedirs(d)
    elif breakage == "missing_frame":
        os.remove(os.path.join(d, f"img_{total:05d}.jpg"))
    elif breakage == "bad_image":
        with open(os.path.join(d, "img_00001.jpg"), "wb") as f:
            f.write(b"not a jpeg")
    elif breakage == "bad_label":
        records[0] = (rel, total, 9)
    with pytest.raises(UserError, match=message):
        validate_records(frames, records, 4, "img_{:05}.jpg")


def test_read_list_rejects_malformed_line(tmp_path):
    p = tmp_path / "list.txt"
    p.write_text("Class/v_a 12\n")
    with pytest.raises(UserError, match="bad line 1"):
        read_list(str(p))


def test_train_script_user_error_exit_2(tmp_path):
    r = run_script("train.py", "--config", "configs/mvf_r50_lite.yaml", "--dataset_root", str(tmp_path),
                   "--device", "cpu", "--save_dir", str(tmp_path / "out"))
    assert r.returncode == 2
    assert r.stderr.strip().splitlines()[-1].startswith("error: list file") and "Traceback" not in r.stderr


def test_predict_script_user_error_exit_2(tmp_path):
    r = run_script("predict.py", "--config", "configs/mvf_r50_lite.yaml", "--video", str(tmp_path / "nope"),
                   "--pretrained", "x.pdparams", "--device", "cpu")
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert r.stderr.strip().splitlines()[-1].startswith("error: input")


def test_build_rawframes_from_avi_and_resume(tmp_path):
    clip = make_clip(2, 12, np.random.RandomState(0))
    write_video(clip, str(tmp_path / "videos" / "MoveDown" / "v_MoveDown_g01_c01.avi"))
    write_video(clip[:7], str(tmp_path / "videos" / "MoveDown" / "v_MoveDown_g02_c01.avi"))
    args = ("tools/build_rawframes.py", "--src_dir", str(tmp_path / "videos"), "--out_dir",
            str(tmp_path / "rawframes"), "--num_workers", "2")
    r = run_script(*args)
    assert r.returncode == 0, r.stderr
    out = tmp_path / "rawframes" / "MoveDown" / "v_MoveDown_g01_c01"
    assert sorted(os.listdir(out))[:2] == [".done", "img_00001.jpg"] and len(os.listdir(out)) == 13
    assert len(os.listdir(tmp_path / "rawframes" / "MoveDown" / "v_MoveDown_g02_c01")) == 8
    r = run_script(*args)
    assert "2 already extracted, 0 to do" in r.stdout
    r = run_script("tools/build_rawframes.py", "--src_dir", str(tmp_path / "none"), "--out_dir", str(tmp_path))
    assert r.returncode == 2 and r.stderr.strip().splitlines()[-1].startswith("error: no *.avi")


def test_default_paths_resolve_against_the_folder(tmp_path, monkeypatch):
    """`cd /tmp && python <folder>/test.py`: the default --config and the config's relative dataset_root /
    pretrained resolve against the PaddleMVF folder, not the current directory."""
    from conftest import ROOT

    from utils.config import DEFAULT_CONFIG, load_config
    monkeypatch.chdir(tmp_path)
    cfg = load_config(DEFAULT_CONFIG)
    assert cfg["data"]["dataset_root"] == os.path.join(ROOT, "data", "ucf101")
    assert cfg["train"]["pretrained"] == os.path.join(ROOT, "pretrained", "paddle_mvf.pdparams")
    r = subprocess.run([sys.executable, os.path.join(ROOT, "train.py"), "--device", "cpu"], cwd=str(tmp_path),
                       capture_output=True, text=True, timeout=300)
    err = r.stderr.strip().splitlines()
    assert r.returncode == 2 and err[-1].startswith("error: list file " + os.path.join(ROOT, "data", "ucf101")), err
