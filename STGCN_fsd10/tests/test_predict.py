"""predict.py: one sample -> class and score (+ picture); a whole file -> submission.csv."""
import csv
import os

import paddle

from conftest import LITE_CONFIG, load_script
from models import build_model


def test_predict_single_and_submission(tiny_root, tmp_path, capsys):
    ckpt = str(tmp_path / "model.pdparams")
    paddle.save(build_model({"num_classes": 5}).state_dict(), ckpt)
    test_file = os.path.join(tiny_root, "test_A_data.npy")
    common = (f"--config={LITE_CONFIG}", f"--pretrained={ckpt}", "--device=cpu")
    predict = load_script("predict").main  # in-process: no interpreter start-up per call
    predict([*common, f"--input_file={test_file}", "--index=2", f"--save_vis={tmp_path / 'sample.gif'}"])
    out = capsys.readouterr().out
    assert "sample 2 of" in out and "class" in out and "score" in out
    assert os.path.getsize(tmp_path / "sample.gif") > 0
    predict([*common, f"--input_file={os.path.join(tiny_root, 'example_sample.npy')}",
             f"--save_vis={tmp_path / 'strip.png'}"])
    assert os.path.getsize(tmp_path / "strip.png") > 0
    csv_path = tmp_path / "submission.csv"
    predict([*common, f"--input_file={test_file}", f"--output={csv_path}"])
    rows = list(csv.reader(open(csv_path)))
    assert rows[0] == ["sample_index", "predict_category"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2, 3]
    assert all(0 <= int(r[1]) < 5 for r in rows[1:])
    assert not [f for f in os.listdir(tmp_path) if ".tmp-" in f]
