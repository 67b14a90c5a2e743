"""Each transform against hand-computed values; vectorised heatmaps against the per-keypoint reference."""
import random

import numpy as np
import pytest

from datasets.transforms import (CenterCrop, Flip, FormatShape, GeneratePoseTarget, PoseCompact, PoseDecode, Resize,
                                 RandomResizedCrop, UniformSampleFrames, build_pipeline, keypoint_heatmaps,
                                 limb_heatmaps)
from tools.benchmark import random_clip, reference_keypoint_heatmaps
from utils import load_config

G1 = float(np.exp(-1 / (2 * 0.6 ** 2)))  # Gaussian one pixel from the centre, sigma 0.6


def kp_results(points, shape=(100, 100), scores=None):
    kp = np.array(points, dtype=np.float32).reshape(1, 1, -1, 2)
    score = np.ones(kp.shape[:3], np.float32) if scores is None else np.array(scores, np.float32).reshape(kp.shape[:3])
    return {"keypoint": kp, "keypoint_score": score, "img_shape": shape}


def test_uniform_sample_long_video_one_frame_per_segment():
    np.random.seed(0)
    inds = UniformSampleFrames(4)({"total_frames": 100})["frame_inds"]
    expected = np.array([0, 25, 50, 75]) + np.random.RandomState(0).randint([25, 25, 25, 25])
    np.testing.assert_array_equal(inds, expected)


def test_uniform_sample_medium_video_is_sorted_and_unique():
    np.random.seed(3)
    inds = UniformSampleFrames(4)({"total_frames": 6})["frame_inds"]
    assert len(inds) == 4 and len(set(inds)) == 4 and np.all(np.diff(inds) > 0) and inds.max() < 6


def test_uniform_sample_short_video_loops():
    np.random.seed(1)
    inds = UniformSampleFrames(4)({"total_frames": 3})["frame_inds"]
    start = inds[0]
    np.testing.assert_array_equal(inds, np.arange(start, start + 4) % 3)


def test_uniform_sample_test_mode_short_clips_hand_values():
    res = UniformSampleFrames(4, num_clips=2, test_mode=True)({"total_frames": 3})
    np.testing.assert_array_equal(res["frame_inds"], [0, 1, 2, 0, 1, 2, 0, 1])  # starts 0 and 3//2 = 1
    res = UniformSampleFrames(4, num_clips=3, test_mode=True)({"total_frames": 2})  # fewer frames than clips
    np.testing.assert_array_equal(res["frame_inds"], [0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1])  # starts 0, 1, 2


def test_uniform_sample_test_mode_is_seeded_and_leaves_global_rng_alone():
    sampler = UniformSampleFrames(8, num_clips=10, test_mode=True)
    np.random.seed(7)
    before = np.random.get_state()[1].copy()
    a = sampler({"total_frames": 50})["frame_inds"]
    b = sampler({"total_frames": 50})["frame_inds"]
    np.testing.assert_array_equal(a, b)
    np.testing.assert_array_equal(np.random.get_state()[1], before)
    np.random.seed(255)  # what mmaction2 does before drawing the test clips
    expected = np.concatenate([np.array([i * 50 // 8 for i in range(8)]) + np.random.randint(
        np.diff([i * 50 // 8 for i in range(9)])) for _ in range(10)])
    np.testing.assert_array_equal(a, expected)


def test_pose_decode_gathers_frames_as_float32():
    kp = np.arange(2 * 5 * 17 * 2, dtype=np.float16).reshape(2, 5, 17, 2)
    res = PoseDecode()({"keypoint": kp, "keypoint_score": kp[..., 0], "frame_inds": np.array([4, 0])})
    assert res["keypoint"].dtype == np.float32 and res["keypoint"].shape == (2, 2, 17, 2)
    np.testing.assert_array_equal(res["keypoint"][:, 0], kp[:, 4].astype(np.float32))


def test_pose_compact_hand_values():
    res = PoseCompact()(kp_results([[10, 20], [30, 60], [0, 0]]))
    # box x 10..30, y 20..60 -> centre (20, 40), half sizes 12.5 / 25 -> square 25 -> x -5..45, y 15..65
    assert res["img_shape"] == (50, 50)
    np.testing.assert_allclose(res["keypoint"][0, 0], [[15, 5], [35, 45], [0, 0]])


def test_pose_compact_skips_small_boxes_and_nan():
    res = PoseCompact()(kp_results([[10, 20], [15, 60], [np.nan, 3]]))
    assert res["img_shape"] == (100, 100)  # width 5 < threshold 10
    assert res["keypoint"][0, 0, 2, 0] == 0


def test_resize_short_side_and_fixed():
    res = Resize((-1, 64))(kp_results([[10, 20]], shape=(50, 100)))
    assert res["img_shape"] == (64, 128)
    np.testing.assert_allclose(res["keypoint"][0, 0, 0], [12.8, 25.6], rtol=1e-6)
    res = Resize((48, 48))(res)
    assert res["img_shape"] == (48, 48)
    np.testing.assert_allclose(res["keypoint"][0, 0, 0], [12.8 * 48 / 128, 25.6 * 48 / 64], rtol=1e-6)


def test_random_resized_crop_falls_back_to_central_square():
    crop = RandomResizedCrop(area_range=(1.0, 1.0), aspect_ratio_range=(1.0, 1.0))
    res = crop(kp_results([[7, 3]], shape=(10, 20)))  # a 14x14 crop never fits a 10-high image
    assert res["img_shape"] == (10, 10)
    np.testing.assert_allclose(res["keypoint"][0, 0, 0], [2, 3])


def test_random_resized_crop_offsets_from_python_random():
    crop = RandomResizedCrop(area_range=(0.25, 0.25), aspect_ratio_range=(1.0, 1.0))
    random.seed(1)
    res = crop(kp_results([[12, 12]], shape=(20, 20)))
    r = random.Random(1)
    left, top = r.randint(0, 10), r.randint(0, 10)
    assert res["img_shape"] == (10, 10)
    np.testing.assert_allclose(res["keypoint"][0, 0, 0], [12 - left, 12 - top])


def test_center_crop():
    res = CenterCrop(56)(kp_results([[20, 10]], shape=(64, 80)))
    assert res["img_shape"] == (56, 56)
    np.testing.assert_allclose(res["keypoint"][0, 0, 0], [20 - 12, 10 - 4])


def test_flip_mirrors_nonzero_x_and_swaps_sides():
    kp = np.zeros((1, 1, 17, 2), np.float32)
    kp[0, 0, 1] = [10, 5]  # left eye
    score = np.zeros((1, 1, 17), np.float32)
    score[0, 0, 1] = 0.9
    res = Flip(flip_ratio=1.0)({"keypoint": kp, "keypoint_score": score, "img_shape": (30, 50)})
    np.testing.assert_allclose(res["keypoint"][0, 0, 2], [40, 5])  # x' = W - x, now the right eye
    np.testing.assert_allclose(res["keypoint"][0, 0, 1], [0, 0])  # a missing joint stays at 0
    assert res["keypoint_score"][0, 0, 2] == pytest.approx(0.9) and res["keypoint_score"][0, 0, 1] == 0


def test_keypoint_heatmap_hand_values():
    kp = np.array([[[[2, 3]]]], np.float32)
    hm = keypoint_heatmaps(kp, np.array([[[0.5]]], np.float32), 8, 8)[0, 0]
    assert hm[3, 2] == pytest.approx(0.5)
    assert hm[3, 3] == pytest.approx(0.5 * G1, rel=1e-6)
    assert hm[4, 3] == pytest.approx(0.5 * G1 * G1, rel=1e-6)
    assert hm[3, 4] == 0  # outside the window [int(2-1.8), int(2+1.8)+1) = [0, 4)
    assert keypoint_heatmaps(kp, np.array([[[5e-5]]], np.float32), 8, 8).max() == 0  # score < 1e-4


def test_keypoint_heatmap_max_over_persons():
    kp = np.array([[[[2, 3]]], [[[2, 3]]]], np.float32)
    hm = keypoint_heatmaps(kp, np.array([[[0.3]], [[0.7]]], np.float32), 8, 8)
    assert hm[0, 0, 3, 2] == pytest.approx(0.7)


@pytest.mark.parametrize("persons", [1, 2])
def test_vectorised_heatmaps_equal_reference(persons):
    kp, score = random_clip(persons, t=12, size=20, seed=persons)
    ref = reference_keypoint_heatmaps(kp, score, 20, 20)
    assert np.abs(keypoint_heatmaps(kp, score, 20, 20) - ref).max() < 1e-6


def test_limb_heatmap_hand_values():
    kp = np.zeros((1, 1, 17, 2), np.float32)
    kp[0, 0, 0], kp[0, 0, 1] = [1, 4], [6, 4]  # limb (0, 1): a horizontal segment
    score = np.zeros((1, 1, 17), np.float32)
    score[0, 0, 0], score[0, 0, 1] = 0.8, 0.6
    hm = limb_heatmaps(kp, score, 10, 10)[0, 0]
    assert hm[4, 3] == pytest.approx(0.6)  # on the segment: the weaker end's score
    assert hm[5, 3] == pytest.approx(0.6 * G1, rel=1e-6)
    assert hm[4, 8] == 0  # beyond the window int(6+1.8)+1 = 8


def test_degenerate_limb_is_its_start_keypoint():
    kp = np.zeros((1, 2, 17, 2), np.float32)
    kp[0, :, 0], kp[0, :, 1] = [3.2, 4.1], [3.6, 4.3]  # 0.45 px apart
    score = np.zeros((1, 2, 17), np.float32)
    score[0, :, 0], score[0, :, 1] = 0.9, 0.5
    limb = limb_heatmaps(kp, score, 10, 10)[:, 0]
    np.testing.assert_allclose(limb, keypoint_heatmaps(kp, score, 10, 10)[:, 0], atol=1e-6)


def test_generate_pose_target_double_appends_flipped_copy():
    kp = np.zeros((1, 1, 17, 2), np.float32)
    kp[0, 0, 1] = [2, 3]
    score = np.zeros((1, 1, 17), np.float32)
    score[0, 0, 1] = 1.0
    res = GeneratePoseTarget(double=True)({"keypoint": kp, "keypoint_score": score, "img_shape": (8, 8)})
    assert res["imgs"].shape == (2, 17, 8, 8)
    assert res["imgs"][0, 1, 3, 2] == pytest.approx(1.0)
    assert res["imgs"][1, 2, 3, 6] == pytest.approx(1.0)  # flipped: x' = 8 - 2, left eye -> right eye


def test_format_shape_ncthw():
    imgs = np.arange(2 * 3 * 4 * 1 * 1, dtype=np.float32).reshape(6, 4, 1, 1)  # 2 views x 3 frames, 4 channels
    out = FormatShape()({"imgs": imgs, "clip_len": 3})["imgs"]
    assert out.shape == (2, 4, 3, 1, 1)
    assert out[1, 2, 0, 0, 0] == imgs[3, 2, 0, 0]


def test_pipelines_give_the_paper_shapes(mini_pkl):
    import pickle
    with open(mini_pkl, "rb") as f:
        ann = pickle.load(f)["annotations"][0]
    lite = load_config("configs/posec3d_lite.yaml")["data"]
    full = load_config("configs/posec3d_r50_ucf101_split1.yaml")["data"]
    assert build_pipeline(lite, "train")(dict(ann))["imgs"].shape == (1, 17, 8, 32, 32)
    assert build_pipeline(full, "train")(dict(ann))["imgs"].shape == (1, 17, 48, 48, 48)
    test = build_pipeline(full, "test")(dict(ann))["imgs"]
    assert test.shape == (20, 17, 48, 56, 56) and test.dtype == np.float32 and 0 < test.max() <= 1
