"""issue 15: from a video to an action on CPU. tools/video_to_pose.py runs an exported MoveNet (files only) on each
frame and writes one UCF-101 pose annotation; predict.py --video runs both stages and writes an .mp4.

Self-contained: a stand-in MoveNet export (a fixed standing figure relative to the crop, in either unit of the
contract: TEST.keypoint_units "pixels" or "normalized") is built here with paddle.jit.save. One more test exports
the real MoveNet through ../MoveNet (subprocesses; skipped when the folder is copied alone)."""
import os
import pickle

import numpy as np
import paddle
import pytest
import yaml
from conftest import LITE, ROOT, cli, one_error_line, run_script, script

from datasets.mini import write_stick_video
from datasets.pose_dataset import load_videos, video_views
from datasets.transforms import build_pipeline
from datasets.video_pose import crop_and_resize, init_crop_region, to_frame_pixels
from utils.config import load_config

predict = script("predict")
video_to_pose = script("tools/video_to_pose")
MOVENET = os.path.join(os.path.dirname(ROOT), "MoveNet")
SIZE = 64  # the stand-in's input size (MoveNet's is 192: read from the model either way)
# a standing figure in [0, 1] of the crop (x, y), COCO-17 order; ankles score below threshold -> -1
FIGURE = np.array([[.50, .20], [.47, .18], [.53, .18], [.44, .19], [.56, .19], [.40, .30], [.60, .30], [.36, .42],
                   [.64, .42], [.34, .52], [.66, .52], [.44, .55], [.56, .55], [.44, .72], [.56, .72], [.44, .88],
                   [.56, .88]], np.float32)
SCORES = np.array([.9] * 15 + [.05, .05], np.float32)


class StandIn(paddle.nn.Layer):
    """[N, 3, S, S] -> [N, 17, 3]: FIGURE (pixels or normalised), score, -1 below 0.1 (MoveNet's hm_th)."""

    def __init__(self, units: str) -> None:
        super().__init__()
        xy = FIGURE * (SIZE if units == "pixels" else 1.0)
        xy[SCORES < 0.1] = -1.0
        self.register_buffer("kps", paddle.to_tensor(np.concatenate([xy, SCORES[:, None]], 1)))

    def forward(self, image):
        return self.kps.unsqueeze(0).tile([image.shape[0], 1, 1]) + 0.0 * image.mean(axis=[1, 2, 3]).reshape([-1, 1, 1])


def export_stand_in(out, units) -> str:
    """A MoveNet-like export directory: model.json/.pdmodel + model.pdiparams [+ config.yaml TEST.keypoint_units]."""
    net = StandIn(units or "normalized")
    net.eval()
    static = paddle.jit.to_static(net, input_spec=[paddle.static.InputSpec([None, 3, SIZE, SIZE], "float32", "image")],
                                  full_graph=True)
    paddle.jit.save(static, os.path.join(out, "model"))
    if units:
        with open(os.path.join(out, "config.yaml"), "w", encoding="utf-8") as f:
            yaml.safe_dump({"TEST": {"hm_th": 0.1, "keypoint_units": units}}, f)
    return str(out)


def write_video(path, frames: int = 24, size=(320, 240)) -> str:
    """A short synthetic clip: a stick figure walking right on grey (mp4v)."""
    write_stick_video(path, frames, size, fps=12.0, x0=100, dx=3)
    assert os.path.getsize(path) > 0
    return str(path)


@pytest.fixture(scope="module")
def clip(tmp_path_factory):
    return write_video(tmp_path_factory.mktemp("video") / "walk.mp4")


@pytest.fixture(scope="module", params=["pixels", "normalized", None])
def pose_model(request, tmp_path_factory):
    """The stand-in export in each unit (None: no config.yaml, which means normalized)."""
    return export_stand_in(tmp_path_factory.mktemp(f"pose_{request.param}"), request.param)


def test_crop_geometry_maps_back_to_the_frame():
    """The first crop of a 320x240 frame is the 320x320 box centred on it (40 rows of black above and below);
    a crop-relative point maps back with x_px = (x_min + (x_max - x_min) x) W."""
    crop = init_crop_region(240, 320)
    assert (crop.x_min, crop.x_max) == (0.0, 1.0) and np.allclose([crop.y_min, crop.y_max], [-1 / 6, 7 / 6])
    frame = np.full((240, 320, 3), 200, np.uint8)
    x = crop_and_resize(frame, crop, 32)
    assert x.shape == (3, 32, 32) and x.dtype == np.float32
    assert x[:, 0].max() == 0 and x[:, 16].min() == 200  # black padding row, frame row
    kps = to_frame_pixels(np.array([[0.5, 0.5, 0.9]] * 16 + [[-1, -1, 0.05]], np.float32), crop, 240, 320)
    assert np.allclose(kps[0], [160, 120, 0.9]) and (kps[16] == 0).all()


def test_video_to_pose_writes_the_pose_pkl_our_pipeline_reads(clip, pose_model, tmp_path, capsys):
    out = tmp_path / "walk.pkl"
    assert cli(video_to_pose.main, "--video", clip, "--pose_model", pose_model, "--out", out) == 0
    assert "24 frames (320x240), a person in 24" in capsys.readouterr().out
    ann = load_videos(str(out))[0]  # our own validator (label -1 allowed)
    assert ann["keypoint"].shape == (1, 24, 17, 2) and ann["keypoint_score"].shape == (1, 24, 17)
    assert (ann["img_shape"], ann["total_frames"], ann["frame_dir"], ann["label"]) == ((240, 320), 24, "walk", -1)
    assert (ann["keypoint_score"][0, :, 15:] == 0).all() and (ann["keypoint"][0, :, 15:] == 0).all()
    # frame 0 is seen whole (the 320x320 box): the figure's nose at (0.5, 0.2) of it
    nose = ann["keypoint"][0, 0, 0].astype(np.float32)
    assert np.allclose(nose, [160, -40 + 0.2 * 320], atol=0.1)
    # later frames: through the crop tracked from the previous frame's hips and torso (it moves and shrinks)
    assert np.isfinite(ann["keypoint"].astype(np.float32)).all() and (ann["keypoint_score"][0, :, :15] > 0.8).all()
    assert np.abs(ann["keypoint"][0, 1:, 0].astype(np.float32) - nose).max() > 1
    views = video_views(build_pipeline(load_config(LITE)["data"], "test"), ann)
    assert views.ndim == 5 and np.isfinite(views).all() and views.max() > 0.5


def test_both_keypoint_units_give_the_same_pkl(clip, tmp_path, capsys):
    anns = {}
    for units in ("pixels", "normalized"):
        model = export_stand_in(tmp_path / units, units)
        assert cli(video_to_pose.main, "--video", clip, "--pose_model", model, "--out", tmp_path / f"{units}.pkl") == 0
        with open(tmp_path / f"{units}.pkl", "rb") as f:
            anns[units] = pickle.load(f)
    assert np.abs(anns["pixels"]["keypoint"].astype(np.float32) - anns["normalized"]["keypoint"]).max() < 0.2


def test_predict_video_prints_top5_and_writes_the_mp4(clip, pose_model, lite_run, lite_export, tmp_path, capsys):
    import cv2
    weights = os.path.join(lite_run[0], "best_model", "model.pdparams")
    for model in (["--pretrained", weights], ["--model_dir", lite_export]):
        save = tmp_path / model[0].strip("-")
        assert cli(predict.main, "--video", clip, "--pose_model", pose_model, *model, "--save_vis", "True",
                   "--save_dir", save) == 0
        out = capsys.readouterr().out
        assert "Current video file: walk" in out and "\ttop-5: " in out and "frames/s" in out
        mp4 = save / "walk_vis.mp4"
        cap = cv2.VideoCapture(str(mp4))
        ok, frame = cap.read()
        count = int(cap.get(cv2.CAP_PROP_FRAME_COUNT))
        cap.release()
        assert ok and frame.shape == (240, 320, 3) and count == 24
        assert not [p for p in os.listdir(save) if ".tmp-" in p]


def test_video_errors_are_one_line_and_leave_no_pkl(clip, tmp_path, capsys):
    model = export_stand_in(tmp_path / "pose", "pixels")
    text = tmp_path / "notes.mp4"
    text.write_text("not a video\n")
    empty = tmp_path / "empty.mp4"
    empty.write_bytes(b"")
    bare = tmp_path / "bare"
    bare.mkdir()
    cases = [(["--video", text, "--pose_model", model], "not a readable video"),
             (["--video", empty, "--pose_model", model], "not a readable video"),
             (["--video", tmp_path / "none.mp4", "--pose_model", model], "video not found"),
             (["--video", clip, "--pose_model", bare], "has no model.json/model.pdmodel + model.pdiparams"),
             (["--video", clip, "--pose_model", tmp_path / "nodir"], "pose model directory not found")]
    for args, match in cases:
        assert cli(video_to_pose.main, *args, "--out", tmp_path / "out.pkl") == 2, args
        assert match in one_error_line(capsys), args
        assert not (tmp_path / "out.pkl").exists()
    assert cli(predict.main, "--video", clip, "--config", LITE, "--pretrained", tmp_path / "w.pdparams") == 2
    assert "weights not found" in one_error_line(capsys)


def test_the_real_movenet_export(clip, tmp_path, lite_run):
    """../MoveNet's fixed checkpoint exported with --with_decode True (its own scripts, as subprocesses), then the
    whole chain here: the contract between the two folders."""
    if not os.path.isfile(os.path.join(MOVENET, "export_model.py")):
        pytest.skip(f"{MOVENET} is absent (this folder copied alone): the real MoveNet export is not tested")
    fixed, export = tmp_path / "fixed", tmp_path / "movenet"
    run_script("test_tipc/make_fixed.py", "--out_dir", fixed, cwd=MOVENET)
    run_script("export_model.py", "--model_path", fixed / "model.pdparams", "--with_decode", "True", "--save_dir",
               export, cwd=MOVENET)
    out = tmp_path / "walk.pkl"
    run_script("tools/video_to_pose.py", "--video", clip, "--pose_model", export, "--out", out)
    ann = load_videos(str(out))[0]
    assert ann["keypoint"].shape == (1, 24, 17, 2) and (ann["keypoint_score"] > 0).any()
    seen = ann["keypoint_score"][0] > 0
    xy = ann["keypoint"][0].astype(np.float32)[seen]
    assert (xy[:, 0] > -80).all() and (xy[:, 0] < 400).all()  # frame pixels, not [0, 1] or input pixels
    assert xy[:, 0].max() > 20 and xy[:, 1].max() > 20
    weights = os.path.join(lite_run[0], "best_model", "model.pdparams")
    proc = run_script("predict.py", "--video", clip, "--pose_model", export, "--pretrained", weights)
    assert "\ttop-5: " in proc.stdout
