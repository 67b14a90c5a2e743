"""Issue 10: every bad input ends with exit status 2 and exactly one `error:` line that names the file or key and
the fix, with no traceback and nothing half-written; a sample that breaks only when it is loaded ends the run in
seconds (not a hang); a NaN loss stops training and keeps the last good checkpoint; a checkpoint of another class
count is refused by test/predict/export/infer/--resume; a checkpoint left between its two renames by a kill resumes.
Scripts run in-process through main(argv) (conftest.cli), in a subprocess only where the process must end."""
import copy
import os
import pickle
import re
import shutil
import time

import numpy as np
import paddle
import pytest
from conftest import LITE, UCF, cli, one_error_line, run_script, script

from datasets.mini import make_mini

train = script("train")
test_script = script("test")
predict = script("predict")
export_model = script("export_model")
infer = script("infer")
MINI = make_mini(seed=0)


def pkl(path, obj) -> str:
    with open(path, "wb") as f:
        pickle.dump(obj, f)
    return str(path)


def mini_with(tmp_path, **changes) -> str:
    """The mini pkl with the first training video changed (keys of its annotation)."""
    data = copy.deepcopy(MINI)
    data["annotations"][0].update(changes)
    return pkl(tmp_path / "bad.pkl", data)


def video(**changes) -> dict:
    """The last mini video (a test video) with `changes`."""
    ann = copy.deepcopy(MINI["annotations"][-1])
    ann.update(changes)
    return ann


def write(path, data) -> str:
    (path.write_bytes if isinstance(data, bytes) else path.write_text)(data)
    return str(path)


def lite_with(tmp_path, old: str, new: str) -> str:
    """A copy of the lite config with one text replacement."""
    return write(tmp_path / "c.yaml", open(LITE, encoding="utf-8").read().replace(old, new))


def truncated(tmp_path) -> str:
    path = tmp_path / "w.pdparams"
    paddle.save({"a": paddle.zeros([64, 64])}, str(path))
    return write(path, path.read_bytes()[:100])


A0, A9 = MINI["annotations"][0], MINI["annotations"][-1]
ZERO_FRAMES = {"keypoint": np.zeros((1, 0, 17, 2), np.float16), "keypoint_score": np.zeros((1, 0, 17), np.float16),
               "total_frames": 0}
JOINTS_20 = {"keypoint": np.ones((1, 12, 20, 2), np.float16), "keypoint_score": np.ones((1, 12, 20), np.float16),
             "total_frames": 12}

# ---------------------------------------------------------------- train.py: data, flags, config, weights, resume
TRAIN_CASES = {
    "missing pkl": (lambda t: {"root": str(t / "nope.pkl")}, "file not found, {root}"),
    "zero-byte pkl": (lambda t: {"root": write(t / "empty.pkl", b"")}, "not a readable pickle (EOFError"),
    "text file as pkl": (lambda t: {"root": write(t / "t.pkl", "split: []")}, "not a readable pickle"),
    "pickled list": (lambda t: {"root": pkl(t / "list.pkl", MINI["annotations"])},
                     "top level is not {'split', 'annotations'}"),
    "split missing": (lambda t: {"root": pkl(t / "s.pkl", dict(MINI, split={"train2": ["v"]}))},
                      "split 'train1' not in ['train2']"),
    "20 joints": (lambda t: {"root": mini_with(t, **JOINTS_20)}, "20 joints instead of the COCO-17 layout"),
    "0 frames": (lambda t: {"root": mini_with(t, **ZERO_FRAMES)}, "total_frames=0"),
    "label 0.5": (lambda t: {"root": mini_with(t, label=0.5)}, "label 0.5 is not an int in [0, 4)"),
    "label out of range": (lambda t: {"root": mini_with(t, label=7)}, "label 7 is not an int in [0, 4)"),
    "NaN scores": (lambda t: {"root": mini_with(t, keypoint_score=np.full(A0["keypoint_score"].shape, np.nan,
                                                                          np.float16))}, "NaN/inf in keypoint_score"),
    "inf keypoints": (lambda t: {"root": mini_with(t, keypoint=np.full(A0["keypoint"].shape, np.inf, np.float16))},
                      "inf in keypoint"),
    "bad img_shape": (lambda t: {"root": mini_with(t, img_shape=(0, 0))}, "img_shape (0, 0) is not (height, width)"),
    "--batch_size 0": (lambda t: {"args": ["--batch_size", "0"]},
                       "train.batch_size: 0 is out of range, it must be >= 1 (set by the flag --batch_size 0)"),
    "--batch_size -1": (lambda t: {"args": ["--batch_size", "-1"]}, "train.batch_size: -1 is out of range"),
    "--max_epochs 0": (lambda t: {"args": ["--max_epochs", "0"]}, "train.max_epochs: 0 is out of range"),
    "--learning_rate nan": (lambda t: {"args": ["--learning_rate", "nan"]},
                            "train.learning_rate: nan is not a finite number (set by the flag --learning_rate nan)"),
    "--learning_rate -1": (lambda t: {"args": ["--learning_rate", "-1"]}, "train.learning_rate: -1.0 is out of range"),
    "--log_iters 0": (lambda t: {"args": ["--log_iters", "0"]}, "--log_iters 0 is out of range"),
    "--num_workers -1": (lambda t: {"args": ["--num_workers", "-1"]}, "--num_workers -1 is out of range"),
    "--max_iters 0": (lambda t: {"args": ["--max_iters", "0"]}, "--max_iters 0 is out of range"),
    "--amp on CPU": (lambda t: {"args": ["--amp", "True"]}, "--amp True needs a GPU"),
    "config missing": (lambda t: {"config": str(t / "none.yaml")}, "config not found"),
    "config typo": (lambda t: {"config": lite_with(t, "in_channels:", "in_chanels:")},
                    "unknown key model.in_chanels (did you mean in_channels?)"),
    "config wrong type": (lambda t: {"config": lite_with(t, "clip_len: 8", "clip_len: eight")},
                          "data.clip_len: expected int, got 'eight'"),
    "config empty": (lambda t: {"config": write(t / "c.yaml", "")}, "expected a mapping of keys, got an empty file"),
    "truncated --pretrained": (lambda t: {"args": ["--pretrained", truncated(t)]}, "cannot read weights"),
    "--resume missing": (lambda t: {"args": ["--resume", str(t / "run" / "latest")]}, "resume directory not found"),
    "--resume truncated": (lambda t: {"args": ["--resume", broken_resume(t)]}, "cannot read the resume state"),
}


def broken_resume(tmp_path) -> str:
    """A latest/ whose model.pdopt was cut short (a copy interrupted by a full disk)."""
    latest = tmp_path / "run" / "latest"
    latest.mkdir(parents=True)
    paddle.save({"a": paddle.zeros([2])}, str(latest / "model.pdparams"))
    write(latest / "model.pdopt", b"\x80\x04\x95")
    write(latest / "state.json", "{}")
    return str(latest)


@pytest.mark.parametrize("case", list(TRAIN_CASES))
def test_train_bad_input(case, tmp_path, mini_pkl, tiny_cfg, capsys):
    make, match = TRAIN_CASES[case]
    given = make(tmp_path)
    root, config = given.get("root", mini_pkl), given.get("config", tiny_cfg)
    save_dir = tmp_path / "out"
    code = cli(train.main, "--config", config, "--dataset_root", root, "--save_dir", save_dir, "--device", "cpu",
               *given.get("args", []))
    line = one_error_line(capsys)
    assert code == 2 and match.replace("{root}", root) in line, line
    assert not save_dir.exists()  # nothing written, not even train.log


# ---------------------------------------------------------------- test/predict/export/infer on bad inputs
@pytest.fixture(scope="module")
def other_classes(tmp_path_factory, lite_run):
    """The lite best model (4 classes) under the UCF-101 config (101): the class-count mismatch of every script."""
    return os.path.join(lite_run[0], "best_model", "model.pdparams")


INPUT_CASES = {
    "no person": (video(keypoint_score=np.zeros(A9["keypoint_score"].shape, np.float16)),
                  "no person detected in any frame"),
    "all-NaN keypoints": (video(keypoint=np.full(A9["keypoint"].shape, np.nan, np.float16)), "no person detected"),
    "0 frames": (video(**ZERO_FRAMES), "total_frames=0"),
    "20 joints": (video(**JOINTS_20), "20 joints instead of the COCO-17 layout"),
    "empty list": ([], "no videos in the file"),
}


@pytest.mark.parametrize("case", list(INPUT_CASES))
@pytest.mark.parametrize("tool", ["predict", "infer"])
def test_predict_and_infer_refuse_unusable_videos(tool, case, tmp_path, lite_run, lite_export, capsys):
    ann, match = INPUT_CASES[case]
    path = pkl(tmp_path / "in.pkl", ann)
    if tool == "predict":
        code = cli(predict.main, "--input_file", path, "--pretrained",
                   os.path.join(lite_run[0], "best_model", "model.pdparams"), "--device", "cpu")
    else:
        code = cli(infer.main, "--model_dir", lite_export, "--input_file", path, "--save_results", tmp_path / "r.json")
    line = one_error_line(capsys)
    assert code == 2 and match in line and path in line, line
    assert not (tmp_path / "r.json").exists()


@pytest.mark.parametrize("tool", ["test", "predict", "export", "infer", "resume"])
def test_another_class_count_is_refused(tool, tmp_path, mini_pkl, lite_run, lite_export, other_classes, capsys):
    """issue 10 (3): re-initialising the head is for train.py --pretrained only."""
    example = os.path.join(os.path.dirname(mini_pkl), "predict_example.pkl")
    if tool == "test":
        code = cli(test_script.main, "--config", UCF, "--dataset_root", mini_pkl, "--pretrained", other_classes,
                   "--device", "cpu")
    elif tool == "predict":
        code = cli(predict.main, "--config", UCF, "--input_file", example, "--pretrained", other_classes,
                   "--device", "cpu")
    elif tool == "export":
        code = cli(export_model.main, "--config", UCF, "--model_path", other_classes, "--save_dir", tmp_path / "e")
        assert not (tmp_path / "e").exists()
    elif tool == "infer":
        code = cli(infer.main, "--config", UCF, "--model_dir", lite_export, "--input_file", example)
    else:
        shutil.copytree(os.path.join(lite_run[0], "latest"), tmp_path / "latest")
        # the mini pkl's labels 0..3 are valid UCF-101 labels too
        code = cli(train.main, "--config", UCF, "--dataset_root", mini_pkl, "--resume", tmp_path / "latest",
                   "--save_dir", tmp_path / "out", "--device", "cpu")
        assert not (tmp_path / "out").exists()
    line = one_error_line(capsys)
    if tool == "infer":
        assert code == 2 and "the model predicts 4 classes but the config's class list has 101" in line
    else:
        assert code == 2 and "4-class classifier but the config has model.num_classes 101" in line, line


INFER_FLAG_CASES = {
    "-b 0": (["-b", "0"], "--batch_size 0 is out of range"),
    "--cpu_threads 0": (["--cpu_threads", "0"], "--cpu_threads 0 is out of range"),
    "int8 not quantised": (["--precision", "int8"], "no int8 model, "),
    "int8 on Paddle CPU": (["--backend", "paddle", "--precision", "int8"], "--precision int8 with --backend paddle"),
    "fp16 on CPU": (["--precision", "fp16"], "--precision fp16 on CPU: this CPU has no float16 arithmetic"),
    "missing model": (["--model_dir", "{tmp}/nothing"], "model file not found"),
    "missing onnx": (["--backend", "onnxruntime", "--onnx_file", "{tmp}/m.onnx"], "onnx model not found"),
}


@pytest.mark.parametrize("case", list(INFER_FLAG_CASES))
def test_infer_bad_flags(case, tmp_path, mini_pkl, lite_export, capsys):
    args, match = INFER_FLAG_CASES[case]
    example = os.path.join(os.path.dirname(mini_pkl), "predict_example.pkl")
    args = [a.format(tmp=tmp_path) for a in args]
    code = cli(infer.main, "--model_dir", lite_export, "--input_file", example, *args)
    assert code == 2 and match in one_error_line(capsys)


def test_infer_refuses_bf16_without_cpu_support(tmp_path, mini_pkl, lite_export, monkeypatch, capsys):
    import utils.inference
    monkeypatch.setattr(utils.inference, "cpu_has_bf16", lambda: False)
    example = os.path.join(os.path.dirname(mini_pkl), "predict_example.pkl")
    assert cli(infer.main, "--model_dir", lite_export, "--input_file", example, "--precision", "bf16") == 2
    assert "--precision bf16: this CPU reports no bfloat16 support" in one_error_line(capsys)


def test_test_py_names_its_own_flag(tmp_path, mini_pkl, lite_run, capsys):
    """test.py --batch_size sets train.test_batch_size: the error names the key and the flag the user typed."""
    weights = os.path.join(lite_run[0], "best_model", "model.pdparams")
    assert cli(test_script.main, "--dataset_root", mini_pkl, "--pretrained", weights, "--batch_size", "0") == 2
    assert "train.test_batch_size: 0 is out of range, it must be >= 1 (set by the flag --batch_size 0)" in \
        one_error_line(capsys)


def test_scripts_without_a_config_anywhere(tmp_path, mini_pkl, lite_run, lite_export, capsys):
    """No --config and no config.yaml beside the weights / in the export directory: one line each."""
    bare = tmp_path / "bare"
    bare.mkdir()
    shutil.copy(os.path.join(lite_run[0], "best_model", "model.pdparams"), bare / "model.pdparams")
    assert cli(test_script.main, "--dataset_root", mini_pkl, "--pretrained", bare / "model.pdparams") == 2
    assert "has no config.yaml beside it, pass --config" in one_error_line(capsys)
    for name in ("model.json", "model.pdiparams"):
        shutil.copy(os.path.join(lite_export, name), bare / name)
    assert cli(infer.main, "--model_dir", bare, "--input_file", mini_pkl) == 2
    assert "has no config.yaml, pass --config" in one_error_line(capsys)


def test_infer_creates_the_results_directory(tmp_path, mini_pkl, lite_export, capsys):
    out = tmp_path / "new" / "dir" / "r.json"
    example = os.path.join(os.path.dirname(mini_pkl), "predict_example.pkl")
    assert cli(infer.main, "--model_dir", lite_export, "--input_file", example, "--save_results", out) == 0
    assert out.read_text().startswith("{") and not [p for p in out.parent.iterdir() if ".tmp-" in p.name]


# ---------------------------------------------------------------- failures during training
def test_nan_loss_stops_with_one_line_and_keeps_the_last_good_checkpoint(tmp_path, mini_pkl, tiny_cfg, capsys,
                                                                         monkeypatch):
    """A loss that becomes NaN in epoch 2 (iteration 6): exit 2 naming both; latest/ still holds epoch 1."""
    import utils.engine as engine
    real, calls = engine.F.cross_entropy, []

    def nan_at_6(*args, **kwargs):
        calls.append(1)
        loss = real(*args, **kwargs)
        return loss * float("nan") if len(calls) == 6 else loss
    monkeypatch.setattr(engine.F, "cross_entropy", nan_at_6)
    code = cli(train.main, "--config", tiny_cfg, "--dataset_root", mini_pkl, "--save_dir", tmp_path, "--device", "cpu")
    line = one_error_line(capsys)
    assert code == 2 and "the loss is nan at epoch 2, iteration 6 (2/4 of the epoch)" in line
    assert f"{tmp_path}/latest keeps epoch 1" in line
    import json
    assert json.load(open(tmp_path / "latest" / "state.json"))["epoch"] == 1
    assert (tmp_path / "best_model" / "model.pdparams").is_file()
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name or ".old-" in p.name]


def test_a_kill_between_the_two_renames_resumes(tmp_path, mini_pkl, tiny_cfg, capsys):
    """utils/atomic_io: killed after `latest` became latest.old-<pid> and before latest.tmp-<pid> (complete) became
    `latest`: --resume <save_dir>/latest finds the newest complete copy, and the debris is cleaned."""
    assert cli(train.main, "--config", tiny_cfg, "--dataset_root", mini_pkl, "--save_dir", tmp_path, "--device", "cpu",
               "--max_epochs", "1") == 0
    os.rename(tmp_path / "latest", tmp_path / "latest.old-12345")
    shutil.copytree(tmp_path / "latest.old-12345", tmp_path / "latest.tmp-12345")
    assert (tmp_path / "latest.tmp-12345" / ".complete").is_file()
    capsys.readouterr()
    assert cli(train.main, "--config", tiny_cfg, "--dataset_root", mini_pkl, "--save_dir", tmp_path, "--device", "cpu",
               "--max_epochs", "2", "--resume", tmp_path / "latest") == 0
    assert "resumed from" in open(tmp_path / "train.log").read()
    import json
    assert json.load(open(tmp_path / "latest" / "state.json"))["epoch"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best_model", "latest", "train.log"]


@pytest.mark.parametrize("workers", [0, 2])
def test_a_sample_that_fails_while_loading_ends_the_run_in_seconds(workers, tmp_path, mini_pkl, tiny_cfg):
    """issue 10 (1): an exception in the loader (thread or worker) used to hang training forever. A video that
    passes the reader's checks but breaks in the pipeline (GeneratePoseTarget raises for it) ends the run with exit
    2 and one line naming the video and the file. A subprocess: fail_fast.GuardedDataset ends its process."""
    bad = MINI["annotations"][3]["frame_dir"]
    code = ("import sys, train\n"
            "from datasets import transforms\n"
            "real = transforms.GeneratePoseTarget.__call__\n"
            "def broken(self, results):\n"
            f"    if results['frame_dir'] == {bad!r}:\n"
            "        raise ValueError('corrupt keypoints')\n"
            "    return real(self, results)\n"
            "transforms.GeneratePoseTarget.__call__ = broken\n"
            "from utils import run_main\n"
            "run_main(lambda: train.main(sys.argv[1:]))\n")
    start = time.time()
    proc = run_script("-c", code, "--config", tiny_cfg, "--dataset_root", mini_pkl, "--save_dir", str(tmp_path),
                      "--device", "cpu", "--num_workers", str(workers), check=False, timeout=300)
    errors = re.findall(r"error: .*", proc.stderr)  # after the progress bar's text on the same line
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert len(errors) == 1 and f"error: sample {bad} in {mini_pkl}: ValueError: corrupt keypoints" == errors[0]
    assert time.time() - start < 200  # it ends; before issue 10 it waited forever
