"""The scripts end to end: lite training learns, exact resume, 2 processes, export parity, user errors."""
import os
import re

import numpy as np
import paddle
import pytest

from conftest import ROOT, run_script
from datasets.pose_dataset import build_dataset
from models import build_model
from utils import load_config


def test_lite_training_learns(lite_run, mini_pkl):
    save_dir, out = lite_run
    top1 = [float(x) for x in re.findall(r"\[EVAL\] epoch: \d+, top1: ([0-9.]+)", out)]
    assert top1 and max(top1) > 0.25 + 1e-6, out[-2000:]  # 4 balanced classes: chance is 0.25
    for f in ("best_model/model.pdparams", "latest/model.pdparams", "latest/model.pdopt", "latest/state.json",
              "train.log"):
        assert os.path.isfile(os.path.join(save_dir, f))
    assert "[TRAIN] epoch: 1/4, iter: 4/16, loss:" in open(os.path.join(save_dir, "train.log")).read()
    # run from another directory: the script path is absolute, --config relative to this folder (issue 9)
    test = run_script(os.path.join(ROOT, "test.py"), "--config", "configs/posec3d_lite.yaml", "--dataset_root",
                      mini_pkl, "--pretrained", os.path.join(save_dir, "best_model", "model.pdparams"), "--device",
                      "cpu", "--save_dir", save_dir, cwd=save_dir)
    assert float(re.search(r"\[TEST\] videos: 12, top1: ([0-9.]+)", test.stdout).group(1)) > 0.25


def _train_tiny(tiny_cfg, mini_pkl, save_dir, *extra):
    return run_script("train.py", "--config", tiny_cfg, "--dataset_root", mini_pkl, "--save_dir", save_dir,
                      "--device", "cpu", "--log_iters", "2", "--seed", "3", *extra)


def test_resume_gives_the_uninterrupted_weights(tiny_cfg, mini_pkl, tmp_path):
    _train_tiny(tiny_cfg, mini_pkl, str(tmp_path / "full"), "--max_epochs", "2")
    _train_tiny(tiny_cfg, mini_pkl, str(tmp_path / "half"), "--max_epochs", "1")
    _train_tiny(tiny_cfg, mini_pkl, str(tmp_path / "half"), "--max_epochs", "2",
                "--resume", str(tmp_path / "half" / "latest"))
    a = paddle.load(str(tmp_path / "full" / "latest" / "model.pdparams"))
    b = paddle.load(str(tmp_path / "half" / "latest" / "model.pdparams"))
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k].numpy(), b[k].numpy(), err_msg=k)


def test_two_process_training(tiny_cfg, mini_pkl, tmp_path):
    save_dir = tmp_path / "dist"
    proc = run_script("-m", "paddle.distributed.launch", "--nproc_per_node", "2", "--log_dir", str(tmp_path / "log"),
                      "train.py", "--config", tiny_cfg, "--dataset_root", mini_pkl, "--save_dir", str(save_dir),
                      "--device", "cpu", "--max_epochs", "1", "--log_iters", "1", check=False)
    logs = {p.name: p.read_text() for p in (tmp_path / "log").iterdir()}
    assert proc.returncode == 0, "\n".join(v[-2000:] for v in logs.values())
    assert (save_dir / "latest" / "model.pdparams").is_file()
    assert not [p for p in save_dir.iterdir() if ".tmp-" in p.name or ".old-" in p.name]
    log = (save_dir / "train.log").read_text()  # only rank 0 writes it
    assert "[EVAL] epoch: 1" in log and log.count("[EVAL]") == 1


def test_export_parity_paddle_inference_and_onnx(lite_run, mini_pkl, tmp_path):
    from infer import create_ort_predictor, create_paddle_predictor
    import argparse
    save_dir, _ = lite_run
    weights = os.path.join(save_dir, "best_model", "model.pdparams")
    out = run_script("export_model.py", "--config", "configs/posec3d_lite.yaml", "--model_path", weights,
                     "--save_dir", str(tmp_path), "--onnx", "True").stdout
    assert "Model is saved in" in out and "ONNX model is saved" in out
    cfg = load_config("configs/posec3d_lite.yaml")
    x = np.stack([build_dataset(mini_pkl, cfg, "test")[i][0] for i in (0, 5)]).reshape(-1, 17, 8, 32, 32)
    model = build_model(cfg["model"])
    model.set_state_dict(paddle.load(weights))
    model.eval()
    with paddle.no_grad():
        ref = paddle.nn.functional.softmax(model(paddle.to_tensor(x)), -1).numpy()
    ns = argparse.Namespace(use_gpu=False, use_tensorrt=False, cpu_threads=1, enable_mkldnn=False, ir_optim=True,
                            precision="fp32", batch_size=1, gpu_mem=0)
    run, _ = create_paddle_predictor(ns, str(tmp_path / "model.json"), str(tmp_path / "model.pdiparams"))
    assert np.abs(run(x) - ref).max() < 1e-5
    run, _ = create_ort_predictor(ns, str(tmp_path / "model.onnx"))
    assert np.abs(run(x) - ref).max() < 1e-4
    example = os.path.join(os.path.dirname(mini_pkl), "predict_example.pkl")
    infer = run_script("infer.py", "--config", "configs/posec3d_lite.yaml", "--model_dir", str(tmp_path),
                       "--input_file", example, "--backend", "onnxruntime").stdout
    assert infer.count("Current video file:") == 1 and "\ttop-1 class: " in infer


def test_predict_save_vis(lite_run, mini_pkl, tmp_path):
    save_dir, _ = lite_run
    example = os.path.join(os.path.dirname(mini_pkl), "predict_example.pkl")
    out = run_script("predict.py", "--config", "configs/posec3d_lite.yaml", "--input_file", example,
                     "--pretrained", os.path.join(save_dir, "best_model", "model.pdparams"), "--device", "cpu",
                     "--save_vis", "True", "--save_dir", str(tmp_path)).stdout
    assert re.search(r"File v_\w+ is class \d", out)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".png", ".png"]


@pytest.mark.parametrize("script,args,match", [
    ("train", ["--dataset_root", "missing.pkl"], "file not found"),
    ("infer", ["--model_file", "nope/model.json", "--input_file", "{pkl}"], "model file not found"),
    ("convert", ["--src", "nope.pth", "--dst", "x.pdparams"], "checkpoint not found"),
    ("test", ["--config", "configs/posec3d_lite.yaml", "--dataset_root", "{pkl}", "--pretrained", "{pkl}"],
     "another model"),
])
def test_user_errors_exit_2_with_one_line(script, args, match, mini_pkl, capsys):
    import importlib.util
    from conftest import ROOT, cli
    path = {"convert": "tools/convert_weights.py"}.get(script, f"{script}.py")
    spec = importlib.util.spec_from_file_location(f"posec3d_{script}_main", os.path.join(ROOT, path))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert cli(mod.main, *[a.format(pkl=mini_pkl) for a in args]) == 2
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if line.startswith("error: ")]
    assert len(lines) == 1 and match in lines[0] and "Traceback" not in err
