"""Issue 10: every bad input -> exit status 2, exactly one `error: <what>, <where>, <how to fix>` line naming the
file or key, no traceback, nothing half-written. In-process (main() through run_main) wherever possible; a
subprocess only for the loader-worker failure (fail_fast.GuardedDataset ends the process with os._exit)."""
import os
import pickle
import shutil
import time

import numpy as np
import paddle
import pytest
from conftest import LITE_CONFIG, NTU_CONFIG, load_script, quiet, run_script, user_error_line

from models import build_model
from utils.config import load_config, save_config


def tiny_set(tmp_path, tiny_root, data=None, labels=None, label_name="train_label.npy"):
    """A copy of the tiny set (14 samples) in tmp_path/data with data and/or labels replaced (arrays, or bytes
    written as the file)."""
    root = tmp_path / "data"
    root.mkdir(exist_ok=True)
    data = np.load(os.path.join(tiny_root, "train_data.npy")) if data is None else data
    labels = np.load(os.path.join(tiny_root, "train_label.npy")) if labels is None else labels
    for name, value in (("train_data.npy", data), (label_name, labels)):
        if isinstance(value, bytes):
            (root / name).write_bytes(value)
        else:
            np.save(root / name, value)
    return str(root)


def tiny(tiny_root):
    return np.load(os.path.join(tiny_root, "train_data.npy"))


def npy_bytes(array) -> bytes:
    import io
    buffer = io.BytesIO()
    np.save(buffer, array)
    return buffer.getvalue()


def with_sample(tiny_root, index, value):
    data = tiny(tiny_root).copy()
    data[index] = value
    return data


# name -> (data or None, labels or None, extra train flags, words of the error line)
TRAIN_DATA_CASES = {
    "zero-byte data": (b"", None, [], "data file", "is empty (0 bytes)"),
    "truncated data": (lambda r: npy_bytes(tiny(r))[:5000], None, [], "cannot read data file"),
    "text as data": (b"x, y, score\n0.1, 0.2, 0.9\n", None, [], "cannot read data file"),
    "pickled list as data": (pickle.dumps([[0.1, 0.2]] * 3), None, [], "cannot read data file"),
    "4 dims": (lambda r: tiny(r)[:, :, :, :, 0], None, [], "must have 5 dims"),
    "20 joints": (lambda r: tiny(r)[:, :, :, :20], None, [], "expected 25 joints", "got 20"),
    "0 frames": (lambda r: tiny(r)[:, :, :0], None, [], "T>0 frames"),
    "int data": (lambda r: (tiny(r) * 100).astype(np.int32), None, [], "must be float, got int32"),
    "NaN sample": (lambda r: with_sample(r, 5, np.nan), None, [], "sample 5 contains NaN"),
    "all-zero sample": (lambda r: with_sample(r, 3, 0.0), None, [], "sample 3 is all zeros"),
    "2 persons": (lambda r: np.concatenate([tiny(r)] * 2, axis=4), None, [], "M=2 persons", "data.num_person: 1"),
    "label count": (None, lambda r: np.arange(12) % 5, [], "12 labels for 14 samples"),
    "label out of range": (None, lambda r: np.full(14, 7), [], "labels must be in 0..4, found 7..7"),
    "label 0.5": (None, lambda r: np.full(14, 0.5), [], "non-integral values"),
    "label 2-D": (None, lambda r: np.zeros((14, 3), np.int64), [], "whole class ids"),
    "zero-byte labels": (None, b"", [], "label file", "is empty"),
    "pickled list as labels": (None, pickle.dumps([0, 1] * 7), [], "cannot read label file"),
    "batch larger than the set": (None, None, ["--batch_size=64"], "12 training samples for batch size 64"),
}


@pytest.mark.parametrize("case", sorted(TRAIN_DATA_CASES))
def test_train_refuses_bad_data(case, tiny_root, tiny_config, tmp_path, capsys):
    data, labels, flags, *words = TRAIN_DATA_CASES[case]
    data, labels = (v(tiny_root) if callable(v) else v for v in (data, labels))
    root = tiny_set(tmp_path, tiny_root, data, labels)
    out = tmp_path / "out"
    line = user_error_line(load_script("train").main, [f"--config={tiny_config}", f"--dataset_root={root}",
                                                       "--device=cpu", f"--save_dir={out}", *flags], capsys)
    for word in words:
        assert word in line, line
    assert root in line or "training samples" in line
    assert not os.path.exists(out)  # nothing written, not even train.log


TRAIN_FLAG_CASES = {
    "missing data": (["--dataset_root=/nowhere"], "data file not found, /nowhere/train_data.npy"),
    "batch 0": (["--batch_size=0"], "argument --batch_size: expected a whole number >= 1, got 0"),
    "batch -1": (["--batch_size=-1"], "argument --batch_size: expected a whole number >= 1, got -1"),
    "log_iters 0": (["--log_iters=0"], "argument --log_iters"),
    "max_epochs 0": (["--max_epochs=0"], "argument --max_epochs"),
    "num_workers -1": (["--num_workers=-1"], "train.num_workers: -1 is out of range", "(set by --num_workers)"),
    "learning_rate nan": (["--learning_rate=nan"], "train.learning_rate: nan is not a finite number"),
    "learning_rate text": (["--learning_rate=fast"], "argument --learning_rate: invalid float value: 'fast'"),
    "full_train maybe": (["--full_train=maybe"], "argument --full_train: expected True or False"),
    "amp on cpu": (["--amp=True"], "--amp True needs a GPU"),
    "window on NTU": ([f"--config={NTU_CONFIG}", "--window_size=100"], "has no AutoPadding"),
    "missing config": (["--config=/nowhere/x.yaml"], "config /nowhere/x.yaml not found"),
    "resume without checkpoint": (["--resume=/nowhere/latest"], "no checkpoint to resume in /nowhere/latest"),
    "pretrained missing": (["--pretrained=/nowhere/model.pdparams"], "checkpoint not found, /nowhere/model.pdparams"),
}


@pytest.mark.parametrize("case", sorted(TRAIN_FLAG_CASES))
def test_train_refuses_bad_flags(case, tiny_root, tiny_config, tmp_path, capsys):
    flags, *words = TRAIN_FLAG_CASES[case]
    out = tmp_path / "out"
    argv = [f"--config={tiny_config}", f"--dataset_root={tiny_root}", "--device=cpu", f"--save_dir={out}", *flags]
    line = user_error_line(load_script("train").main, argv, capsys)
    for word in words:
        assert word in line, line
    assert not os.path.exists(out)


@pytest.mark.parametrize("key, value, words", [
    ("model.in_chanels", 2, "unknown key model.in_chanels (did you mean in_channels?)"),
    ("train.epochs", "ninety", "train.epochs: expected int, got 'ninety' (str)"),
    ("model.dropout", 1.5, "model.dropout: 1.5 is out of range"),
])
def test_train_refuses_a_bad_config(key, value, words, tiny_root, tmp_path, capsys):
    cfg = load_config(LITE_CONFIG)
    section, name = key.split(".")
    cfg[section][name] = value
    path = str(tmp_path / "bad.yaml")
    save_config(cfg, str(tmp_path))
    os.replace(tmp_path / "config.yaml", path)
    line = user_error_line(load_script("train").main, [f"--config={path}", f"--dataset_root={tiny_root}",
                                                       f"--save_dir={tmp_path / 'out'}"], capsys)
    assert words in line and path in line
    assert not os.path.exists(tmp_path / "out")


@pytest.fixture(scope="module")
def checkpoints(tiny_config, tmp_path_factory):
    """A tiny-model checkpoint of the lite classes (5) and one of FSD-10's 30 classes, each with its config.yaml,
    damaged copies, and the export of the 5-class one."""
    tmp = tmp_path_factory.mktemp("checkpoints")
    out = {}
    for name, changes in (("c5", {}), ("c30", {"num_classes": 30})):
        cfg = load_config(tiny_config)
        cfg["model"].update(changes)
        if changes:
            cfg["data"]["class_names"] = "datasets/labels/fsd10.txt"
        folder = tmp / name
        folder.mkdir()
        paddle.seed(0)
        paddle.save(build_model(cfg["model"]).state_dict(), str(folder / "model.pdparams"))
        save_config(cfg, str(folder))
        out[name] = str(folder / "model.pdparams")
    data = open(out["c5"], "rb").read()
    (tmp / "truncated.pdparams").write_bytes(data[:len(data) // 2])
    (tmp / "empty.pdparams").write_bytes(b"")
    out["truncated"], out["empty"] = str(tmp / "truncated.pdparams"), str(tmp / "empty.pdparams")
    (tmp / "bare").mkdir()
    shutil.copy(out["c5"], tmp / "bare" / "model.pdparams")  # no config.yaml beside
    out["bare"] = str(tmp / "bare" / "model.pdparams")
    out["export"] = quiet(load_script("export_model").main, [f"--model_path={out['c5']}",
                                                             f"--save_dir={tmp / 'export'}", "--onnx=True"])
    return out


@pytest.mark.parametrize("flag, key, words", [
    ("--pretrained", "truncated", "it is truncated or not written by paddle.save"),
    ("--pretrained", "empty", "is empty (0 bytes)"),
    ("--resume", "c30", "has 30 classes but the config's model.num_classes is 5"),
])
def test_train_refuses_bad_checkpoints(flag, key, words, checkpoints, tiny_root, tiny_config, tmp_path, capsys):
    value = checkpoints[key]
    if flag == "--resume":  # a latest/ dir of the 30-class model
        latest = tmp_path / "latest"
        latest.mkdir()
        shutil.copy(value, latest / "model.pdparams")
        (latest / "state.json").write_text('{"epoch": 1, "iteration": 3, "best_metric": 0.5, "lr_scheduler": {}}')
        value = str(latest)
    argv = [f"--config={tiny_config}", f"--dataset_root={tiny_root}", "--device=cpu", f"{flag}={value}",
            f"--save_dir={tmp_path / 'out'}"]
    line = user_error_line(load_script("train").main, argv, capsys)
    assert words in line and value.rstrip("/").split("/")[-1] in line, line
    assert not os.path.exists(tmp_path / "out")


@pytest.mark.parametrize("script", ["test", "predict", "export_model"])
def test_other_class_count_is_refused_by_every_script(script, checkpoints, tiny_root, tiny_config, tmp_path, capsys):
    """Issue 10 #3: a checkpoint of another class count is an error naming both counts (not a new head)."""
    flag = "--model_path" if script == "export_model" else "--pretrained"
    argv = [f"--config={tiny_config}", f"{flag}={checkpoints['c30']}"]
    argv += {"test": [f"--dataset_root={tiny_root}", "--device=cpu", f"--save_dir={tmp_path / 'out'}"],
             "predict": [f"--input_file={os.path.join(tiny_root, 'test_A_data.npy')}", "--device=cpu",
                         f"--output={tmp_path / 'out' / 'sub.csv'}"],
             "export_model": [f"--save_dir={tmp_path / 'out'}"]}[script]
    line = user_error_line(load_script(script).main, argv, capsys)
    assert "has 30 classes but the config's model.num_classes is 5" in line and checkpoints["c30"] in line
    assert not os.path.exists(tmp_path / "out")


def test_infer_refuses_a_config_of_another_class_count(checkpoints, tiny_root, tmp_path, capsys):
    cfg_30 = os.path.join(os.path.dirname(checkpoints["c30"]), "config.yaml")
    line = user_error_line(load_script("infer").main, [f"--model_dir={checkpoints['export']}", f"--config={cfg_30}",
                                                       f"--input_file={os.path.join(tiny_root, 'test_A_data.npy')}",
                                                       f"--save_results={tmp_path / 'r.json'}"], capsys)
    assert "the exported model has 5 classes but the config's model.num_classes is 30" in line
    assert not os.path.exists(tmp_path / "r.json")


@pytest.mark.parametrize("script", ["test", "predict", "export_model"])
def test_a_checkpoint_without_config_needs_config(script, checkpoints, tiny_root, tmp_path, capsys):
    flag = "--model_path" if script == "export_model" else "--pretrained"
    argv = [f"{flag}={checkpoints['bare']}", f"--input_file={os.path.join(tiny_root, 'test_A_data.npy')}"
            if script == "predict" else f"--save_dir={tmp_path / 'out'}"]
    line = user_error_line(load_script(script).main, argv, capsys)
    assert f"no config: {checkpoints['bare']} ({flag}) has no config.yaml beside it" in line


def sample_file(tmp_path, array) -> str:
    path = tmp_path / "input.npy"
    if isinstance(array, bytes):
        path.write_bytes(array)
    else:
        np.save(path, array)
    return str(path)


ONE = np.random.RandomState(0).uniform(-0.5, 0.5, (3, 30, 25, 1)).astype(np.float32)
INPUT_CASES = {  # for predict.py and infer.py: the input -> words of the error line
    "NaN": (np.full_like(ONE, np.nan), "contains NaN or inf"),
    "all zeros": (np.zeros_like(ONE), "is all zeros"),
    "0 frames": (ONE[:, :0], "T>0 frames"),
    "20 joints": (ONE[:, :, :20], "expected 25 joints"),
    "2 persons": (np.concatenate([ONE, ONE], axis=3), "M=2 persons"),
    "empty list": (np.zeros((0, 3, 30, 25, 1), np.float32), "N>0 samples"),
    "3 dims": (ONE[:, :, :, 0], "must have 5 dims"),
    "zero-byte file": (b"", "is empty (0 bytes)"),
    "not a npy": (b"0.1 0.2 0.3\n", "cannot read input file"),
}


@pytest.mark.parametrize("case", sorted(INPUT_CASES))
@pytest.mark.parametrize("script", ["predict", "infer"])
def test_predict_and_infer_refuse_bad_input(script, case, checkpoints, tmp_path, capsys):
    """Never `score nan`, never a prediction for a 0-frame or 20-joint input."""
    array, words = INPUT_CASES[case]
    path = sample_file(tmp_path, array)
    argv = ([f"--pretrained={checkpoints['c5']}", "--device=cpu", f"--output={tmp_path / 'sub.csv'}"]
            if script == "predict" else [f"--model_dir={checkpoints['export']}", f"--save_results={tmp_path / 'r.json'}"])
    line = user_error_line(load_script(script).main, [*argv, f"--input_file={path}"], capsys)
    assert words in line and path in line, line
    assert not os.path.exists(tmp_path / "sub.csv") and not os.path.exists(tmp_path / "r.json")


INFER_FLAG_CASES = {
    "batch 0": (["-b", "0"], "argument -b/--batch_size: expected a whole number >= 1, got 0"),
    "threads 0": (["--cpu_threads=0"], "argument --cpu_threads"),
    "missing model dir": (["--model_dir=/nowhere"], "no model.json or model.pdmodel in /nowhere"),
    "no model": (["--model_dir="], "no model given"),
    "missing onnx": (["--backend=onnxruntime", "--onnx_file=/nowhere/m.onnx"], "ONNX model not found, /nowhere/m.onnx"),
    "unknown backend": (["--backend=tensorrt"], "argument --backend: invalid choice"),
}


@pytest.mark.parametrize("case", sorted(INFER_FLAG_CASES))
def test_infer_refuses_bad_flags(case, checkpoints, tiny_root, tmp_path, capsys):
    flags, words = INFER_FLAG_CASES[case]
    argv = [f"--model_dir={checkpoints['export']}", f"--input_file={os.path.join(tiny_root, 'example_sample.npy')}",
            f"--save_results={tmp_path / 'r.json'}", *flags]
    line = user_error_line(load_script("infer").main, argv, capsys)
    assert words in line, line
    assert not os.path.exists(tmp_path / "r.json")


def test_infer_export_dir_without_config(checkpoints, tiny_root, tmp_path, capsys):
    bare = tmp_path / "bare"
    shutil.copytree(checkpoints["export"], bare)
    os.remove(bare / "config.yaml")
    line = user_error_line(load_script("infer").main, [f"--model_dir={bare}",
                                                       f"--input_file={os.path.join(tiny_root, 'example_sample.npy')}"],
                           capsys)
    assert f"no config: {bare} has no config.yaml" in line


def test_predict_index_out_of_range(checkpoints, tiny_root, capsys):
    line = user_error_line(load_script("predict").main, [f"--pretrained={checkpoints['c5']}", "--device=cpu", "--index=9",
                                                         f"--input_file={os.path.join(tiny_root, 'test_A_data.npy')}"],
                           capsys)
    assert "--index 9 out of range" in line and "pass 0..3" in line


def test_predict_output_into_a_missing_folder_is_created(checkpoints, tiny_root, tmp_path):
    out = tmp_path / "new" / "folder" / "submission.csv"
    quiet(load_script("predict").main, [f"--pretrained={checkpoints['c5']}", "--device=cpu", f"--output={out}",
                                        f"--input_file={os.path.join(tiny_root, 'test_A_data.npy')}"])
    assert out.read_text().splitlines()[0] == "sample_index,predict_category"


def test_ntu_label_pickle_of_another_form(tmp_path, capsys):
    """yysijie tools/ntu_gendata.py writes (sample names, labels); a bare list is refused in one line."""
    from conftest import write_ntu
    root = write_ntu(str(tmp_path / "ntu"))
    with open(os.path.join(root, "xsub", "train_label.pkl"), "wb") as f:
        pickle.dump([0, 1, 2, 3], f)
    line = user_error_line(load_script("train").main, [f"--config={NTU_CONFIG}", f"--dataset_root={root}",
                                                       f"--save_dir={tmp_path / 'out'}", "--device=cpu"], capsys)
    assert "as a (sample names, labels) pickle" in line and "train_label.pkl" in line


WORKER_FAILURE = """
import sys
import warnings
warnings.filterwarnings("ignore", message="No ccache found")
import datasets.fsd10 as fsd10
from utils.common import run_main
import train

real = fsd10.FSD10Dataset.__getitem__
def corrupt(self, i):  # sample 5 of the file breaks only when it is loaded (as a frame that fails to decode)
    if int(self.indices[i]) == 5:
        raise ValueError("frame 7 cannot be decoded")
    return real(self, i)
fsd10.FSD10Dataset.__getitem__ = corrupt
run_main(lambda: train.main(sys.argv[1:]))
"""


@pytest.mark.multiprocess
@pytest.mark.parametrize("workers", [0, 2])
def test_a_sample_failing_in_a_loader_worker_ends_the_run_in_seconds(workers, tiny_root, tiny_config, tmp_path):
    """Issue 10 #1: an exception while a sample is loaded hung training (Paddle's loader thread died, the loop
    waited forever); with fail_fast.GuardedDataset the run ends with exit 2 and one line naming the sample."""
    start = time.time()
    result = run_script("-c", WORKER_FAILURE, f"--config={tiny_config}", f"--dataset_root={tiny_root}", "--device=cpu",
                        f"--num_workers={workers}", "--batch_size=4", f"--save_dir={tmp_path / 'out'}", timeout=120)
    assert result.returncode == 2, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: sample train_data.npy[5] ({os.path.join(tiny_root, 'train_data.npy')}): ValueError: "
                      "frame 7 cannot be decoded"], result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert time.time() - start < 60
