"""Issue 10: every bad input ends with exit status 2 and exactly one `error:` line naming the file or key and
the fix, no traceback, and nothing written (not even train.log). In-process (main([...]), capsys) except the
worker failure, which must run in a subprocess (GuardedDataset ends the process it runs in)."""
import importlib.util
import os
import shutil

import export_model
import infer
import numpy as np
import pytest
import train
from conftest import LITE, ROOT, run_cli, run_script


def load_script(name: str):
    """A script of the folder by file (test.py would otherwise collide with the standard library's `test`)."""
    spec = importlib.util.spec_from_file_location(f"mvf_script_{name}", os.path.join(ROOT, f"{name}.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def copy_root(src: str, dst: str) -> str:
    shutil.copytree(src, dst)
    return dst


def write_config(tmp_path, text: str) -> str:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    return str(path)


def lite_text(**replace) -> str:
    text = open(LITE).read()
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def train_case(case: str, tmp_path, tiny_root) -> tuple:
    """(argv of train.py, text the error line must hold) for one bad input."""
    base = ["--config", LITE, "--dataset_root", tiny_root, "--device", "cpu", "--batch_size", "4"]
    if case == "config_missing":
        return ["--config", str(tmp_path / "none.yaml"), "--device", "cpu"], "none.yaml not found"
    if case == "config_not_yaml":
        return ["--config", write_config(tmp_path, "model: [\n"), "--device", "cpu"], "not valid YAML"
    if case == "unknown_key":
        return ["--config", write_config(tmp_path, lite_text(**{"  alpha:": "  alpah:"}))], "alpah"
    if case == "wrong_type":
        return ["--config", write_config(tmp_path, lite_text(**{"depth: 50": "depth: fifty"}))], "model.depth"
    if case == "linked_segments":
        return ["--config", write_config(tmp_path, lite_text(**{"num_segments: 2": "num_segments: 3"}))], \
            "data.clip_len"
    if case == "class_names_count":
        return ["--config", write_config(tmp_path, lite_text(**{"num_classes: 4": "num_classes: 5"}))], \
            "model.num_classes is 5"
    if case == "learning_rate_nan":
        return base + ["--learning_rate", "nan"], "learning_rate"
    if case == "dataset_missing":
        return base[:2] + ["--dataset_root", str(tmp_path / "nodata"), "--device", "cpu"], "nodata"
    root = copy_root(tiny_root, str(tmp_path / "data"))
    listed = os.path.join(root, "ucf101_train_split_1_rawframes.txt")
    lines = open(listed).read().splitlines()
    if case == "label_out_of_range":
        first = lines[0].split()
        lines[0] = f"{first[0]} {first[1]} 9"
        open(listed, "w").write("\n".join(lines) + "\n")
        return ["--config", LITE, "--dataset_root", root, "--device", "cpu", "--batch_size", "4"], "label"
    if case == "frame_missing":
        d = os.path.join(root, "rawframes", lines[0].split()[0])
        os.remove(os.path.join(d, "img_00003.jpg"))
        return ["--config", LITE, "--dataset_root", root, "--device", "cpu", "--batch_size", "4"], "img_00003.jpg"
    if case == "batch_size_zero":
        return base[:-2] + ["--batch_size", "0"], "train.batch_size"
    if case == "log_iters_zero":
        return base + ["--log_iters", "0"], "--log_iters"
    if case == "resume_missing":
        return base + ["--resume", str(tmp_path / "nolatest")], "--resume"
    raise AssertionError(case)


TRAIN_CASES = ["config_missing", "config_not_yaml", "unknown_key", "wrong_type", "linked_segments",
               "class_names_count", "learning_rate_nan", "dataset_missing", "label_out_of_range", "frame_missing",
               "resume_missing", "batch_size_zero", "log_iters_zero"]


@pytest.mark.parametrize("case", TRAIN_CASES)
def test_train_refuses_bad_input_with_one_line(case, tmp_path, tiny_root, capsys):
    argv, expected = train_case(case, tmp_path, tiny_root)
    save = tmp_path / "out"
    code, _, err = run_cli(train.main, argv + ["--save_dir", str(save)], capsys)
    assert code == 2 and len(err) == 1 and err[0].startswith("error: ") and expected in err[0], err
    assert "Traceback" not in "\n".join(err)
    assert not save.exists()  # nothing written, not even train.log


def test_test_and_export_refuse_a_checkpoint_of_another_class_count(trained, tmp_path, capsys):
    weights = os.path.join(trained, "best_model", "model.pdparams")
    other = write_config(tmp_path, open(os.path.join(ROOT, "configs", "mvf_r50_16x4_ucf101.yaml")).read())
    code, _, err = run_cli(export_model.main, ["--model_path", weights, "--config", other, "--save_dir",
                                               str(tmp_path / "inf")], capsys)
    assert code == 2 and len(err) == 1 and "4" in err[0] and "101" in err[0], err
    assert not (tmp_path / "inf").exists()
    code, _, err = run_cli(load_script("test").main, ["--pretrained", str(tmp_path / "none.pdparams"), "--device", "cpu"],
                           capsys)
    assert code == 2 and len(err) == 1 and "none.pdparams" in err[0], err


def test_a_non_finite_loss_stops_training_with_one_line(tiny_root, tmp_path, capsys, monkeypatch):
    """A NaN loss (here forced) ends the run at once: epoch and iteration named, exit 2, no checkpoint written."""
    import paddle

    import utils.engine
    monkeypatch.setattr(utils.engine.F, "cross_entropy", lambda *a, **k: paddle.to_tensor(float("nan")))
    save = tmp_path / "out"
    code, _, err = run_cli(train.main, ["--config", LITE, "--dataset_root", tiny_root, "--device", "cpu",
                                        "--batch_size", "4", "--save_dir", str(save)], capsys)
    errors = [line for line in err if line.startswith("error: ")]  # the rest: the progress bar's lines
    assert code == 2 and len(errors) == 1 and "the loss is nan at epoch 1, iteration 1" in errors[0], err
    assert "Traceback" not in "\n".join(err) and not (save / "latest").exists()


@pytest.mark.parametrize("kind,message", [("bad_batch", "--batch_size"), ("nan", "NaN or inf"), ("zeros", "all zeros"), ("shape", "has shape"),
                                          ("empty_list", "is empty"), ("missing", "not found")])
def test_infer_refuses_bad_inputs(kind, message, exported, tmp_path, capsys):
    path = str(tmp_path / "x.npy")
    x = np.random.RandomState(0).randn(1, 4, 3, 32, 32).astype("float32")
    extra = ["-b", "0"] if kind == "bad_batch" else []
    if kind == "nan":
        x[0, 0, 0, 0, 0] = np.nan
    elif kind == "zeros":
        x[:] = 0
    elif kind == "shape":
        x = x[:, :, :, :16]
    elif kind == "empty_list":
        path = str(tmp_path / "list.txt")
        open(path, "w").write("\n")
    elif kind == "missing":
        path = str(tmp_path / "none.npy")
    if path.endswith("x.npy"):
        np.save(path, x)
    code, out, err = run_cli(infer.main, ["--model_dir", exported, "--input_file", path] + extra, capsys)
    assert code == 2 and len(err) == 1 and err[0].startswith("error: ") and message in err[0], err
    assert "score" not in out


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_corrupt_frame_found_while_loading_ends_the_run_with_its_name(workers, tmp_path, tiny_root):
    """The validator checks the first and last frame of each video; a corrupt middle one is found by the loader:
    the run ends within seconds, status 2, the sample named."""
    root = copy_root(tiny_root, str(tmp_path / "data"))
    for d, _, files in os.walk(os.path.join(root, "rawframes")):
        frames = sorted(f for f in files if f.startswith("img_"))
        for f in frames[1:-1]:  # every frame but the first and the last (those the validator reads)
            open(os.path.join(d, f), "wb").write(b"not a jpeg")
    r = run_script("train.py", "--config", LITE, "--dataset_root", root, "--device", "cpu", "--batch_size", "4",
                   "--num_workers", workers, "--save_dir", str(tmp_path / "out"), timeout=300)
    errors = [line for line in r.stderr.splitlines() if line.startswith("error: ")]
    assert r.returncode == 2 and errors and "not a readable image" in errors[0], r.stderr[-2000:]
    assert "rawframes" in errors[0] and ".jpg" in errors[0]
    assert not os.path.isdir(tmp_path / "out" / "latest")


@pytest.mark.parametrize("flags,message", [(["--precision", "fp16"], "no fp16 compute on CPU"),
                                           (["--backend", "paddle", "--precision", "int8"], "tools/quantize.py"),
                                           (["--backend", "onnxruntime", "--precision", "int8"], "tools/quantize.py")])
def test_infer_refuses_precisions_this_cpu_path_lacks(flags, message, exported, capsys):
    frames = os.path.join(exported, "nothing.npy")  # never read: the refusal comes first
    code, _, err = run_cli(infer.main, ["--model_dir", exported, "--input_file", frames] + flags, capsys)
    assert code == 2 and len(err) == 1 and err[0].startswith("error: ") and message in err[0], err


def test_int8_quantisation_agrees_with_fp32(exported, mini_root, capsys, tmp_path):
    """tools/quantize.py on the lite model (calibrated on mini videos), then infer.py --precision int8 through ONNX
    Runtime: the same top-1 class as fp32 on the held-out videos of split 1."""
    from tools.quantize import quantize
    videos = sorted(os.path.join(mini_root, "rawframes", line.split()[0]) for line in
                    open(os.path.join(mini_root, "ucf101_val_split_1_rawframes.txt")))
    listing = tmp_path / "videos.txt"
    listing.write_text("\n".join(videos) + "\n")
    quantize(exported, str(listing), num_calib=16)
    fp32 = infer.main(["--model_dir", exported, "--input_file", str(listing), "--backend", "onnxruntime"])
    int8 = infer.main(["--model_dir", exported, "--input_file", str(listing), "--precision", "int8"])
    agree = np.mean([a["class_id"] == b["class_id"] for a, b in zip(fp32, int8)])
    assert len(int8) == 16 and agree >= 0.9, agree
