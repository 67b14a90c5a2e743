"""tools/openpose_to_npy.py: OpenPose BODY_25 JSON frames -> the FSD-10 layout, by hand."""
import json

import numpy as np
from conftest import quiet, user_error_line

from tools import openpose_to_npy


def write_frame(path, people):
    path.write_text(json.dumps({"version": 1.3, "people": [{"pose_keypoints_2d": p} for p in people]}))


def test_two_frames_skater_selection_and_scaling(tmp_path):
    clip = tmp_path / "clip"
    clip.mkdir()
    skater = [0.0] * 75
    skater[0:3] = [960.0, 540.0, 0.9]    # nose at the image centre
    skater[24:27] = [1920.0, 0.0, 0.8]   # joint 8 at the top-right corner
    spectator = [100.0, 100.0, 0.05] * 25  # total confidence 1.25 < skater's 1.7
    write_frame(clip / "f_000000000000_keypoints.json", [spectator, skater])
    write_frame(clip / "f_000000000001_keypoints.json", [])
    out = tmp_path / "clip.npy"
    quiet(openpose_to_npy.main, ["--json_dirs", str(clip), "--out", str(out), "--width", "1920", "--height", "1080"])
    data = np.load(out)
    assert data.shape == (3, 2, 25, 1)
    assert np.allclose(data[:, 0, 0, 0], [0.0, 0.0, 0.9])
    assert np.allclose(data[:, 0, 8, 0], [1.0, -1.0, 0.8])
    assert np.allclose(data[:, 0, 3, 0], 0)   # not found: zeros
    assert np.allclose(data[:, 1], 0)         # no person in frame 1


def test_coco_keypoints_are_refused(tmp_path, capsys):
    clip = tmp_path / "coco"
    clip.mkdir()
    write_frame(clip / "f0.json", [[1.0, 1.0, 1.0] * 17])
    line = user_error_line(openpose_to_npy.main, ["--json_dirs", str(clip), "--out", str(tmp_path / "x.npy"),
                                                  "--width", "10", "--height", "10"], capsys)
    assert "expected 25 (BODY_25)" in line
