"""predict.py on the shared trained checkpoint (no --config: its config.yaml): one sample -> class, name and score
(+ picture); a whole file -> submission.csv; class names printed beside the ids."""
import csv
import os

import numpy as np
from conftest import load_script

from datasets.mini import CLASS_NAMES


def test_predict_single_and_submission(trained, tiny_root, tmp_path, capsys):
    test_file = os.path.join(trained.root, "test_A_data.npy")
    common = (f"--pretrained={trained.best}", "--device=cpu")
    predict = load_script("predict").main  # in-process: no interpreter start-up per call
    probs = predict([*common, f"--input_file={test_file}", "--index=2", f"--save_vis={tmp_path / 'strip.png'}"])
    out = capsys.readouterr().out
    cls = int(probs[0].argmax())
    assert f"sample 2 of {test_file}: class {cls} ({CLASS_NAMES[cls]}), score" in out
    assert os.path.getsize(tmp_path / "strip.png") > 0
    # a GIF of a short (40-frame) sample: 20 pictures
    predict([*common, f"--input_file={os.path.join(tiny_root, 'example_sample.npy')}",
             f"--save_vis={tmp_path / 'sample.gif'}"])
    assert os.path.getsize(tmp_path / "sample.gif") > 0
    assert capsys.readouterr().out.count("), score ") == 1
    csv_path = tmp_path / "submission.csv"
    probs = predict([*common, f"--input_file={test_file}", f"--output={csv_path}"])
    out = capsys.readouterr().out
    rows = list(csv.reader(open(csv_path)))
    assert rows[0] == ["sample_index", "predict_category"]
    assert [int(r[0]) for r in rows[1:]] == list(range(6))
    assert [int(r[1]) for r in rows[1:]] == list(np.argmax(probs, axis=1))
    assert out.count("), score ") == 6
    assert not [f for f in os.listdir(tmp_path) if ".tmp-" in f]


def test_skeleton_palette_follows_the_joint_order():
    """Issue 17: one palette (left #1F77B4, right #FF7F0E, centre #2CA02C), sides read from the BODY_25 names."""
    from models.graph import FSD10_EDGES, FSD10_JOINTS
    from utils.vis import CENTRE, LEFT, RIGHT, SIDES, limb_colour
    assert SIDES["fsd10"] == "".join("L" if n.startswith("l_") else "R" if n.startswith("r_") else "C"
                                     for n in FSD10_JOINTS)
    assert (LEFT, RIGHT, CENTRE) == ("#1F77B4", "#FF7F0E", "#2CA02C")
    colours = {edge: limb_colour(edge, SIDES["fsd10"]) for edge in FSD10_EDGES}
    assert colours[(5, 1)] == colours[(13, 12)] == colours[(16, 0)] == LEFT  # l_shoulder-neck, left knee, left eye
    assert colours[(2, 1)] == colours[(10, 9)] == colours[(24, 11)] == RIGHT
    assert colours[(1, 8)] == colours[(0, 1)] == CENTRE  # spine, neck-nose
    assert len(SIDES["ntu-rgb+d"]) == 25


def test_image_order_is_detected():
    """OpenPose pixels (y down, tools/openpose_to_npy.py) are drawn upright, as the y-up mini data."""
    from utils.vis import image_order
    xy = np.zeros((2, 1, 25))
    xy[1, 0, 0], xy[1, 0, 8] = -0.5, 0.2  # nose above the mid-hip on screen: smaller y
    assert image_order(xy, "fsd10") and not image_order(-xy, "fsd10")
