"""The scripts end to end: the lite training learns and its checkpoint directory is enough for test.py,
export_model.py, infer.py and predict.py (no --config); exact resume; 2 processes against 1; export parity;
what infer.py prints and saves, and that it prints nothing of Paddle's own logs unless --verbose True."""
import json
import os
import re

import numpy as np
import paddle
import pytest
from conftest import LITE, ROOT, cli, run_script, script

from datasets.pose_dataset import build_dataset
from models import build_model
from utils.config import load_config

train = script("train")
test_script = script("test")
predict = script("predict")
infer = script("infer")


def test_lite_training_learns(lite_run, mini_pkl, tmp_path, monkeypatch, capsys):
    save_dir, log = lite_run
    top1 = [float(x) for x in re.findall(r"\[EVAL\] epoch: \d+, videos: 12, top1: ([0-9.]+)", log)]
    assert len(top1) == 4 and max(top1) > 0.25 + 1e-6, log[-2000:]  # 4 balanced classes: chance is 0.25
    for f in ("best_model/model.pdparams", "best_model/config.yaml", "latest/model.pdparams", "latest/model.pdopt",
              "latest/state.json", "latest/config.yaml"):
        assert os.path.isfile(os.path.join(save_dir, f)), f
    assert "[TRAIN] epoch: 1/4, iter: 4/16, loss:" in log
    # test.py from another directory with the checkpoint alone: its config.yaml is the config (issue 12)
    monkeypatch.chdir(tmp_path)
    weights = os.path.join(save_dir, "best_model", "model.pdparams")
    assert cli(test_script.main, "--dataset_root", mini_pkl, "--pretrained", weights, "--device", "cpu",
               "--save_dir", tmp_path) == 0
    out = capsys.readouterr().out
    assert float(re.search(r"\[TEST\] videos: 12, top1: ([0-9.]+)", out).group(1)) > 0.25
    assert json.load(open(tmp_path / "metrics.json"))["videos"] == 12


def test_resume_gives_the_uninterrupted_weights(tiny_cfg, mini_pkl, tmp_path):
    def run(save_dir, *extra):
        assert cli(train.main, "--config", tiny_cfg, "--dataset_root", mini_pkl, "--save_dir", save_dir, "--device",
                   "cpu", "--log_iters", "2", "--seed", "3", *extra) == 0
    run(tmp_path / "full", "--max_epochs", "2")
    run(tmp_path / "half", "--max_epochs", "1")
    run(tmp_path / "half", "--max_epochs", "2", "--resume", tmp_path / "half" / "latest")
    a = paddle.load(str(tmp_path / "full" / "latest" / "model.pdparams"))
    b = paddle.load(str(tmp_path / "half" / "latest" / "model.pdparams"))
    assert a.keys() == b.keys()
    for k in a:
        np.testing.assert_array_equal(a[k].numpy(), b[k].numpy(), err_msg=k)


# 2 processes x 4 videos against 1 process x 8: the same clips in the same steps (per-sample augmentation seeds),
# the same averaged gradient; only BatchNorm's batch statistics (over the 4 videos of a card instead of 8: no
# SyncBN, as mmaction2's default) and the reduction order differ. Measured after 1 epoch (4 steps, PreciseBN off:
# it would recompute the running statistics from rank 0's 4-video batches alone): trainable weights 3.2e-3 apart
# (relative L2), val probabilities 1.1e-3 (max abs); the tolerances leave 3x / 9x room.
TWO_PROCESS_TOLERANCE = {"weights_rel_l2": 0.01, "probs": 0.01}


def test_two_processes_match_one_process_with_the_same_total_batch(tiny_cfg, mini_pkl, tmp_path):
    """issue 10 (7): rank 0 evaluates the whole val split (12 videos), and the 2-process run ends where the
    1-process run with the same total batch ends, within TWO_PROCESS_TOLERANCE."""
    common = ["--config", tiny_cfg, "--dataset_root", mini_pkl, "--device", "cpu", "--max_epochs", "1",
              "--log_iters", "1", "--seed", "5", "--precise_bn_iters", "0"]
    proc = run_script("-m", "paddle.distributed.launch", "--nproc_per_node", "2", "--log_dir", str(tmp_path / "log"),
                      "train.py", *common, "--save_dir", str(tmp_path / "two"), "--batch_size", "4", check=False)
    logs = {p.name: p.read_text() for p in (tmp_path / "log").iterdir()}
    assert proc.returncode == 0, "\n".join(v[-2000:] for v in logs.values())
    assert cli(train.main, *common, "--save_dir", tmp_path / "one", "--batch_size", "8") == 0
    two, one = (tmp_path / "two"), (tmp_path / "one")
    assert not [p for p in two.iterdir() if ".tmp-" in p.name or ".old-" in p.name]
    log = (two / "train.log").read_text()  # only rank 0 writes it, and evaluates all 12 videos
    assert log.count("[EVAL]") == 1 and "[EVAL] epoch: 1, videos: 12," in log
    assert log.count("iter: 4/4") == 1 and "iter: 4/4" in (one / "train.log").read_text()
    a = paddle.load(str(two / "latest" / "model.pdparams"))
    b = paddle.load(str(one / "latest" / "model.pdparams"))
    trainable = [k for k in a if not k.endswith(("._mean", "._variance"))]
    diff = sum(float(((a[k].numpy() - b[k].numpy()) ** 2).sum()) for k in trainable)
    norm = sum(float((b[k].numpy() ** 2).sum()) for k in trainable)
    assert (diff / norm) ** 0.5 < TWO_PROCESS_TOLERANCE["weights_rel_l2"]
    cfg = load_config(tiny_cfg)
    probs = []
    for weights in (a, b):
        model = build_model(cfg["model"])
        model.set_state_dict(weights)
        from utils.engine import build_loader, predict_scores
        probs.append(predict_scores(model, build_loader(build_dataset(mini_pkl, cfg, "val"), 4, False))[0])
    print(f"2 vs 1 process: weights {(diff / norm) ** 0.5:.2e} relative L2, probabilities "
          f"{np.abs(probs[0] - probs[1]).max():.2e} max abs")
    assert np.abs(probs[0] - probs[1]).max() < TWO_PROCESS_TOLERANCE["probs"]


def test_export_parity_paddle_inference_and_onnx(lite_run, lite_export, mini_pkl):
    """The export (no --config: the checkpoint's config.yaml) against dygraph: Paddle Inference < 1e-5, ONNX
    Runtime < 1e-4; the export directory holds its config.yaml."""
    from utils.inference import Options, create_ort_predictor, create_paddle_predictor
    cfg = load_config(os.path.join(lite_export, "config.yaml"))
    assert cfg == load_config(os.path.join(lite_run[0], "best_model", "config.yaml"))
    x = np.concatenate([build_dataset(mini_pkl, cfg, "test")[i][0] for i in (0, 5)])
    model = build_model(cfg["model"])
    model.set_state_dict(paddle.load(os.path.join(lite_run[0], "best_model", "model.pdparams")))
    model.eval()
    with paddle.no_grad():
        ref = paddle.nn.functional.softmax(model(paddle.to_tensor(x)), -1).numpy()
    for mkldnn in (False, True):
        run, _ = create_paddle_predictor(Options(backend="paddle", enable_mkldnn=mkldnn),
                                         os.path.join(lite_export, "model.json"),
                                         os.path.join(lite_export, "model.pdiparams"))
        assert np.abs(run(x) - ref).max() < 1e-5
    run, _ = create_ort_predictor(os.path.join(lite_export, "model.onnx"), 1)
    assert np.abs(run(x) - ref).max() < 1e-4


def test_infer_prints_every_prediction_with_its_class_name_and_saves_them(lite_export, mini_pkl, tmp_path, capsys):
    """issues 11/17: every prediction is printed (also with --enable_benchmark, the report comes last) with the
    class name from the config's label list; --save_results holds the same, per video."""
    fixed = os.path.join(os.path.dirname(mini_pkl), "fixed_input.pkl")
    out = tmp_path / "r.json"
    assert cli(infer.main, "--model_dir", lite_export, "--input_file", fixed, "-b", "2", "--enable_benchmark", "True",
               "--backend", "onnxruntime", "--save_results", out) == 0
    text = capsys.readouterr().out
    assert text.count("Current video file: ") == 4 and text.index("Current video file") < text.index("Perf info")
    names = re.findall(r"\ttop-1 class name: (\w+)", text)
    assert len(names) == 4 and set(names) <= {"arms_up", "arms_sideways", "wave_right", "squat"}
    assert len(re.findall(r"\ttop-5: (\d:[0-9.]+, ){3}\d:[0-9.]+\n", text)) == 4  # 4 classes: all of them
    saved = json.load(open(out))
    assert saved["backend"] == "onnxruntime" and saved["input_file"] == fixed and len(saved["results"]) == 4
    first = saved["results"][0]
    assert set(first) == {"name", "class_id", "class_name", "score", "top5_ids", "top5_scores"}
    assert first["class_name"] == names[0] and first["top5_ids"][0] == first["class_id"]
    assert first["score"] == first["top5_scores"][0] and sorted(first["top5_scores"], reverse=True) == \
        first["top5_scores"]


def test_infer_is_quiet_unless_verbose(lite_export, mini_pkl):
    """issue 17: no "No ccache found" warning and no Paddle Inference pass names (oneDNN on); --verbose True shows
    Paddle's own logs."""
    example = os.path.join(os.path.dirname(mini_pkl), "predict_example.pkl")
    args = ["infer.py", "--model_dir", lite_export, "--input_file", example, "--enable_mkldnn", "True"]
    quiet = run_script(*args)
    text = quiet.stdout + quiet.stderr
    assert "ccache" not in text and not re.search(r"pass", text, re.IGNORECASE), text[-2000:]
    assert quiet.stderr.strip() == "" and "\ttop-1 class name: " in quiet.stdout
    loud = run_script(*args, "--verbose", "True")
    assert re.search(r"pass", loud.stdout + loud.stderr, re.IGNORECASE)


def test_predict_prints_class_names_and_saves_pictures(lite_run, mini_pkl, tmp_path, capsys):
    example = os.path.join(os.path.dirname(mini_pkl), "predict_example.pkl")
    assert cli(predict.main, "--input_file", example, "--pretrained",
               os.path.join(lite_run[0], "best_model", "model.pdparams"), "--device", "cpu", "--save_vis", "True",
               "--save_dir", tmp_path) == 0
    out = capsys.readouterr().out
    assert re.search(r"Current video file: v_\w+\n\ttop-1 class: \d\n\ttop-1 class name: \w+\n\ttop-1 score: ", out)
    assert sorted(p.suffix for p in tmp_path.iterdir()) == [".png", ".png"]


@pytest.mark.parametrize("script_name,args,match", [
    ("train", ["--dataset_root", "missing.pkl"], "file not found"),
    ("infer", ["--model_file", "nope/model.json", "--input_file", "{pkl}"], "model file not found"),
    ("tools/convert_weights", ["--src", "nope.pth", "--dst", "x.pdparams"], "checkpoint not found"),
    ("test", ["--config", LITE, "--dataset_root", "{pkl}", "--pretrained", "{pkl}"], "another model"),
])
def test_user_errors_exit_2_with_one_line(script_name, args, match, mini_pkl, capsys):
    from conftest import one_error_line
    module = script(script_name)
    assert cli(module.main, *[a.format(pkl=mini_pkl) for a in args]) == 2
    assert match in one_error_line(capsys)


def test_scripts_have_no_path_hacks():
    """issue 12: scripts at the folder root need no sys.path code; tools/ scripts have the one bootstrap block."""
    for name in os.listdir(ROOT):
        if name.endswith(".py"):
            assert "sys.path" not in open(os.path.join(ROOT, name), encoding="utf-8").read(), name
    for folder in ("tools", "test_tipc"):
        for name in os.listdir(os.path.join(ROOT, folder)):
            if name.endswith(".py") and name != "__init__.py":
                text = open(os.path.join(ROOT, folder, name), encoding="utf-8").read()
                assert text.count("sys.path") <= 1 and "noqa: E402" not in text, name
