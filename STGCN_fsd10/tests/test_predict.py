"""predict.py: one sample -> class and score (+ picture); a whole file -> submission.csv."""
import csv
import os

import paddle

from conftest import LITE_CONFIG, run_script
from models import build_model


def test_predict_single_and_submission(tiny_root, tmp_path):
    ckpt = str(tmp_path / "model.pdparams")
    paddle.save(build_model({"num_classes": 5}).state_dict(), ckpt)
    test_file = os.path.join(tiny_root, "test_A_data.npy")
    common = (f"--config={LITE_CONFIG}", f"--pretrained={ckpt}", "--device=cpu")
    one = run_script("predict.py", *common, f"--input_file={test_file}", "--index=2",
                     f"--save_vis={tmp_path / 'sample.gif'}")
    assert one.returncode == 0, one.stderr[-2000:]
    assert "sample 2 of" in one.stdout and "class" in one.stdout and "score" in one.stdout
    assert os.path.getsize(tmp_path / "sample.gif") > 0
    strip = run_script("predict.py", *common, f"--input_file={os.path.join(tiny_root, 'example_sample.npy')}",
                       f"--save_vis={tmp_path / 'strip.png'}")
    assert strip.returncode == 0 and os.path.getsize(tmp_path / "strip.png") > 0
    csv_path = tmp_path / "submission.csv"
    many = run_script("predict.py", *common, f"--input_file={test_file}", f"--output={csv_path}")
    assert many.returncode == 0, many.stderr[-2000:]
    rows = list(csv.reader(open(csv_path)))
    assert rows[0] == ["sample_index", "predict_category"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2, 3]
    assert all(0 <= int(r[1]) < 5 for r in rows[1:])
    assert not [f for f in os.listdir(tmp_path) if ".tmp-" in f]
