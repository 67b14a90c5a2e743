import json
import os
import random

import numpy as np
import pytest

from datasets.transforms import (
    CenterCrop,
    Flip,
    FormatShape,
    MVFNetRandomResizedCrop,
    Normalize,
    RandomResizedCrop,
    Resize,
    SampleFrames,
    ShortSideResize,
    ThreeCrop,
    build_pipeline,
)
from utils import UserError

# Outputs of the official functions (whwu95/MVFNet@0ddc7e2 + mmcv 0.4.3), written by
# alignment/PaddleMVF/official_check/run_official.py --write_fixture
with open(os.path.join(os.path.dirname(__file__), "fixtures", "mvfnet_official.json")) as _f:
    OFFICIAL = json.load(_f)


TMPL = "img_{:05}.jpg"  # the mini data's frame names (datasets/mini.py)


def frames(n=2, h=4, w=6):
    return [np.arange(h * w * 3, dtype=np.uint8).reshape(h, w, 3) + i for i in range(n)]


def test_sample_frames_test_mode_dense_16x4():
    """MVFNet loading.py SampleFrames._test_sample_clips: offset int(tick / 2 + tick * x), tick = (T - 64 + 1) / n."""
    # T=100: avg = (100-64+1)/1 = 37, offset int(18.5) = 18; indices 18 + 4k, 1-based
    r = SampleFrames(16, 4, 1, test_mode=True)(dict(total_frames=100, start_index=1))
    assert r["frame_inds"].tolist() == [19 + 4 * k for k in range(16)]


def test_sample_frames_short_video_loop_vs_clamp():
    """MVFNet loading.py SampleFrames._get_frame_inds clamps (np.minimum(inds, T - 1)); mmaction2 0.x's
    out_of_bound_opt='loop' (the seed's) wraps (np.mod)."""
    # T=20, clip 16x4 (spec example): loop wraps, clamp (MVFNet) repeats the last frame (1-based here)
    loop = SampleFrames(16, 4, 1, test_mode=True)(dict(total_frames=20, start_index=1))["frame_inds"] - 1
    clamp = SampleFrames(16, 4, 1, test_mode=True, out_of_bound_opt="clamp")(dict(total_frames=20, start_index=1))["frame_inds"] - 1
    assert loop[:8].tolist() == [0, 4, 8, 12, 16, 0, 4, 8]
    assert clamp[:8].tolist() == [0, 4, 8, 12, 16, 19, 19, 19]


def test_sample_frames_ten_test_clips():
    """MVFNet loading.py SampleFrames._test_sample_clips with num_clips=10 (the 10-clip test)."""
    r = SampleFrames(2, 4, 10, test_mode=True)(dict(total_frames=107, start_index=1))
    # avg = (107-8+1)/10 = 10 -> offsets 5, 15, ..., 95
    assert r["frame_inds"].reshape(10, 2)[:, 0].tolist() == [6 + 10 * i for i in range(10)]


def test_sample_frames_train_random_within_segment():
    """MVFNet loading.py SampleFrames._sample_clips: offset = randint(avg_interval), avg = (T - 64 + 1) // n."""
    np.random.seed(0)
    for total in (64, 70, 200):
        inds = SampleFrames(16, 4, 1)(dict(total_frames=total, start_index=1))["frame_inds"]
        assert inds.min() >= 1 and inds.max() <= total and len(inds) == 16
    # avg = (200-64+1) = 137 -> offset in [0, 137)
    offsets = {SampleFrames(16, 4, 1)(dict(total_frames=200, start_index=1))["frame_inds"][0] for _ in range(30)}
    assert max(offsets) <= 137 and len(offsets) > 5


def test_sample_frames_clamp_matches_official_indices():
    """Every case run through MVFNet's own SampleFrames._get_frame_inds (train mode with the same
    np.random seed, test mode, 1/3/10 clips, T around 64) gives the same 0-based indices."""
    for case in OFFICIAL["sampling"]:
        np.random.seed(case["np_seed"])
        r = SampleFrames(16, 4, case["num_clips"], test_mode=case["test_mode"], out_of_bound_opt="clamp")(
            dict(total_frames=case["total_frames"], start_index=1))
        assert (r["frame_inds"] - 1).tolist() == case["frame_inds"], case


def test_mvfnet_random_resized_crop_matches_official_get_params():
    """MVFNet augmentations.py RandomResizedCrop.get_params, replayed with the same Python random draws:
    uniform aspect ratio, w/h swap, w tested against the height, x offset in [0, W - h]."""
    for case in OFFICIAL["rrc_get_params"]:
        h, w = case["shape"]
        got = MVFNetRandomResizedCrop(224).get_params(h, w, rnd=random.Random(case["py_seed"]))
        assert list(got) == case["params"], case


def test_mvfnet_random_resized_crop_clips_a_box_outside_the_frame():
    """MVFNet RandomResizedCrop.__call__ crops [x1, y1, x1+crop_w-1, y1+crop_h-1] with mmcv 0.4.3 imcrop,
    whose bbox_clip cuts a box that sticks out of the frame; the patch is then resized to input_size."""
    img = np.arange(6 * 8, dtype=np.uint8).reshape(6, 8, 1).repeat(3, 2)
    rrc = MVFNetRandomResizedCrop(4)
    rrc.get_params = lambda h, w, rnd=None: (5, 1, 6, 4)  # (i, j, crop_h, crop_w): x 5..8 > 7, y 1..6 > 5
    import cv2
    out = rrc(dict(imgs=[img]))["imgs"][0]
    np.testing.assert_array_equal(out, cv2.resize(img[1:6, 5:8], (4, 4), interpolation=cv2.INTER_LINEAR))


def test_short_side_resize_matches_official_imrescale():
    """MVFNet Resize(scale=(np.Inf, s), keep_ratio=True) = mmcv 0.4.3 imrescale: sizes of the official run."""
    for case in OFFICIAL["imrescale"]:
        r = ShortSideResize(case["short"])(dict(imgs=[np.zeros((case["h"], case["w"], 3), np.uint8)]))
        assert list(r["imgs"][0].shape[:2]) == case["out_hw"], case


def test_three_and_center_crop_match_official():
    """MVFNet augmentations.py ThreeCrop (all three branches, incl. a crop larger than the frame, clipped
    by mmcv imcrop) and CenterCrop on the same arange frames as the official run."""
    for case in OFFICIAL["three_crop"]:
        img = np.arange(case["h"] * case["w"], dtype=np.uint8).reshape(case["h"], case["w"], 1) * np.array(
            [1, 2, 3], np.uint8)
        out = ThreeCrop(case["size"])(dict(imgs=[img]))["imgs"]
        assert [o[..., 0].tolist() for o in out] == case["crops"], case
    for case in OFFICIAL["center_crop"]:
        img = np.arange(case["h"] * case["w"], dtype=np.uint8).reshape(case["h"], case["w"], 1) * np.array(
            [1, 2, 3], np.uint8)
        assert CenterCrop(case["size"])(dict(imgs=[img]))["imgs"][0][..., 0].tolist() == case["crop"], case


def test_short_side_resize_and_resize():
    r = ShortSideResize(8)(dict(imgs=frames(h=4, w=6)))
    assert r["imgs"][0].shape == (8, 12, 3)
    r = ShortSideResize(3)(dict(imgs=frames(h=7, w=4)))  # scale 3/4: w 3, h int(5.25 + 0.5) = 5
    assert r["imgs"][0].shape == (5, 3, 3)
    assert Resize(5)(dict(imgs=frames()))["imgs"][1].shape == (5, 5, 3)


def test_center_crop_values():
    img = np.arange(4 * 6, dtype=np.uint8).reshape(4, 6, 1).repeat(3, 2)
    out = CenterCrop(2)(dict(imgs=[img]))["imgs"][0]
    assert out[..., 0].tolist() == [[8, 9], [14, 15]]  # rows 1-2, cols 2-3


def test_three_crop_offsets_horizontal_and_vertical():
    """MVFNet augmentations.py ThreeCrop: left, right, middle (or top, bottom, middle), crop-major."""
    img = np.arange(2 * 6, dtype=np.uint8).reshape(2, 6, 1).repeat(3, 2)
    out = ThreeCrop(2)(dict(imgs=[img, img + 100]))["imgs"]
    assert len(out) == 6  # crop-major: 3 crops x 2 frames
    assert [o[0, 0, 0] for o in out[::2]] == [0, 4, 2]  # left, right, middle
    assert out[1][0, 0, 0] == 100
    tall = np.arange(6 * 2, dtype=np.uint8).reshape(6, 2, 1).repeat(3, 2)
    out = ThreeCrop(2)(dict(imgs=[tall]))["imgs"]
    assert [o[0, 0, 0] for o in out] == [0, 8, 4]  # top, bottom, middle
    # neither side equals the crop: MVFNet's third branch (quarter steps), no error
    out = ThreeCrop(3)(dict(imgs=[np.arange(7 * 11, dtype=np.uint8).reshape(7, 11, 1).repeat(3, 2)]))["imgs"]
    assert [o[0, 0, 0] for o in out] == [22, 30, 26]  # w_step 2, h_step 1: (x, y) = (0, 2), (8, 2), (4, 2)


def test_flip_whole_clip():
    """MVFNet augmentations.py Flip: np.random.rand() < flip_ratio, then mmcv.imflip (np.flip axis 1) per frame."""
    imgs = frames()
    np.random.seed(0)  # rand() = 0.548 -> no flip with p=0.5
    assert np.array_equal(Flip(0.5)(dict(imgs=list(imgs)))["imgs"][0], imgs[0])
    out = Flip(1.0)(dict(imgs=list(imgs)))["imgs"]
    assert all(np.array_equal(o, i[:, ::-1]) for o, i in zip(out, imgs))


def test_random_resized_crop_bounds_and_fallback():
    """The seed's crop, mmaction2 0.x RandomResizedCrop.get_crop_bbox: box inside the frame, area
    0.08-1, centre square of the short side after 10 failed tries."""
    np.random.seed(0)
    rrc = RandomResizedCrop()
    for _ in range(50):
        left, top, w, h = rrc.box(40, 60)
        assert 0 <= left and left + w <= 60 and 0 <= top and top + h <= 40 and w * h >= 0.05 * 2400
    # impossible area range -> centre square of the short side
    assert RandomResizedCrop(area_range=(2.0, 3.0)).box(40, 60) == (10, 0, 40, 40)


def test_normalize_and_format_shape():
    """MVFNet Normalize(mean, std, to_rgb=True) on 0-255 values, then FormatShape('NCHW')."""
    img = np.full((2, 3, 3), [123.675 + 58.395, 116.28, 103.53 - 57.375], dtype=np.float32).astype(np.uint8)
    out = Normalize()(dict(imgs=[img.astype(np.float32)]))["imgs"][0]
    np.testing.assert_allclose(out[0, 0], [(182 - 123.675) / 58.395, (116 - 116.28) / 57.12,
                                           (46 - 103.53) / 57.375], rtol=1e-5)
    arr = FormatShape()(dict(imgs=[out, out]))["imgs"]
    assert arr.shape == (2, 3, 2, 3) and arr.dtype == np.float32


@pytest.mark.parametrize("mode,views", [("train", 1), ("val", 1), ("test", 10 * 3)])
def test_pipeline_shapes(mini_root, mode, views):
    import os
    cfg = dict(clip_len=2, frame_interval=4, short_side=32, crop_size=28, test_clips=10, test_crop="three",
               out_of_bound_opt="loop", train_crop="resized_crop")
    d = os.path.join(mini_root, "rawframes", "MoveLeft", "v_MoveLeft_g01_c01")
    out = build_pipeline(cfg, mode)(dict(frame_dir=d, total_frames=20, start_index=1, filename_tmpl=TMPL))["imgs"]
    side = 32 if mode == "test" else 28
    assert out.shape == (views * 2, 3, side, side)


def test_train_crop_option(mini_root):
    """train_crop 'mvfnet' runs MVFNet's train_pipeline (RandomResizedCrop(crop_size) straight on the
    decoded frames); an unknown value or out_of_bound_opt is a one-line config error (utils/config.py)."""
    import os

    from conftest import LITE

    from utils.config import load_config
    cfg = dict(clip_len=2, frame_interval=4, short_side=32, crop_size=28, train_crop="mvfnet", out_of_bound_opt="clamp")
    d = os.path.join(mini_root, "rawframes", "MoveLeft", "v_MoveLeft_g01_c01")
    results = dict(frame_dir=d, total_frames=20, start_index=1, filename_tmpl=TMPL)
    assert build_pipeline(cfg, "train")(results)["imgs"].shape == (2, 3, 28, 28)
    with pytest.raises(UserError, match="data.train_crop"):
        load_config(LITE, {"data.train_crop": "random"})
    with pytest.raises(UserError, match="data.out_of_bound_opt"):
        load_config(LITE, {"data.out_of_bound_opt": "wrap"})
