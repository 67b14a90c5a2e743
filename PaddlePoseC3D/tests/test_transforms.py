"""Each transform against hand-computed values and the conventions of the official code, named per test
(mmaction2 0.x, branch 0.x, mmaction/datasets/pipelines/{pose_loading,augmentations}.py); the whole pipeline
against the official pipelines' own output (tests/fixtures/official_0x_pipeline.npz)."""
import os
import random

import numpy as np
import pytest

from datasets.transforms import (
    LIMB_CONFIG_LEFT_LIMB,
    LIMB_CONFIG_RIGHT_LIMB,
    LIMB_CONFIG_SKELETON,
    SKELETON,
    CenterCrop,
    Flip,
    FormatShape,
    GeneratePoseTarget,
    PoseCompact,
    PoseDecode,
    RandomResizedCrop,
    Resize,
    UniformSampleFrames,
    build_pipeline,
    check_flip_pairs,
    keypoint_heatmaps,
    limb_heatmaps,
)
from tools.benchmark import random_clip, reference_keypoint_heatmaps
from utils import UserError
from utils.config import load_config

G1 = float(np.exp(-1 / (2 * 0.6 ** 2)))  # Gaussian one pixel from the centre, sigma 0.6
FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures", "official_0x_pipeline.npz")
# mmaction2 0.x configs/skeleton/posec3d/slowonly_r50_u48_240e_ntu60_xsub_limb.py (same in ntu120_xsub, gym)
OFFICIAL_LIMB_SKELETONS = [[0, 5], [0, 6], [5, 7], [7, 9], [6, 8], [8, 10], [5, 11], [11, 13], [13, 15], [6, 12],
                           [12, 14], [14, 16], [0, 1], [0, 2], [1, 3], [2, 4], [11, 12]]


def kp_results(points, shape=(100, 100), scores=None):
    kp = np.array(points, dtype=np.float32).reshape(1, 1, -1, 2)
    score = np.ones(kp.shape[:3], np.float32) if scores is None else np.array(scores, np.float32).reshape(kp.shape[:3])
    return {"keypoint": kp, "keypoint_score": score, "img_shape": shape}


def test_uniform_sample_long_video_one_frame_per_segment():
    """pose_loading.py UniformSampleFrames._get_train_clips, T >= 2*clip_len: bids[i] = i*T//n, + randint(bsize)."""
    np.random.seed(0)
    inds = UniformSampleFrames(4)({"total_frames": 100})["frame_inds"]
    expected = np.array([0, 25, 50, 75]) + np.random.RandomState(0).randint([25, 25, 25, 25])
    np.testing.assert_array_equal(inds, expected)


def test_uniform_sample_medium_video_is_sorted_and_unique():
    """UniformSampleFrames._get_train_clips, clip_len <= T < 2*clip_len: T-n extra frames spread over n+1 gaps."""
    np.random.seed(3)
    inds = UniformSampleFrames(4)({"total_frames": 6})["frame_inds"]
    assert len(inds) == 4 and len(set(inds)) == 4 and np.all(np.diff(inds) > 0) and inds.max() < 6
    np.random.seed(3)
    extra = np.random.choice(5, 2, replace=False)  # the official draw
    offset = np.zeros(5, np.int64)
    offset[extra] = 1
    np.testing.assert_array_equal(inds, np.arange(4) + np.cumsum(offset)[:-1])


def test_uniform_sample_short_video_loops():
    """UniformSampleFrames: T < clip_len starts at randint(0, T) and loops (np.mod(inds, T) in __call__)."""
    np.random.seed(1)
    inds = UniformSampleFrames(4)({"total_frames": 3})["frame_inds"]
    start = inds[0]
    np.testing.assert_array_equal(inds, np.arange(start, start + 4) % 3)


def test_uniform_sample_test_mode_short_clips_hand_values():
    """UniformSampleFrames._get_test_clips, T < clip_len: starts i*T//num_clips (range(num_clips) if T < num_clips)."""
    res = UniformSampleFrames(4, num_clips=2, test_mode=True)({"total_frames": 3})
    np.testing.assert_array_equal(res["frame_inds"], [0, 1, 2, 0, 1, 2, 0, 1])  # starts 0 and 3//2 = 1
    res = UniformSampleFrames(4, num_clips=3, test_mode=True)({"total_frames": 2})  # fewer frames than clips
    np.testing.assert_array_equal(res["frame_inds"], [0, 1, 0, 1, 1, 0, 1, 0, 0, 1, 0, 1])  # starts 0, 1, 2


def test_uniform_sample_test_mode_is_seeded_and_leaves_global_rng_alone():
    """UniformSampleFrames._get_test_clips calls np.random.seed(255) per sample; we draw the same numbers from a
    local RandomState(255) so the loader's global generator is left alone (a documented deviation)."""
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
    """pose_loading.py PoseDecode.__call__: keypoint[:, frame_inds].astype(np.float32), same for the scores."""
    kp = np.arange(2 * 5 * 17 * 2, dtype=np.float16).reshape(2, 5, 17, 2)
    res = PoseDecode()({"keypoint": kp, "keypoint_score": kp[..., 0], "frame_inds": np.array([4, 0])})
    assert res["keypoint"].dtype == np.float32 and res["keypoint"].shape == (2, 2, 17, 2)
    np.testing.assert_array_equal(res["keypoint"][:, 0], kp[:, 4].astype(np.float32))


def test_pose_compact_hand_values():
    """augmentations.py PoseCompact (padding 0.25, hw_ratio 1, allow_imgpad): 1.25x box about the centre, squared,
    corners truncated by int(); non-zero coordinates shifted, zeros stay (missing joints)."""
    res = PoseCompact()(kp_results([[10, 20], [30, 60], [0, 0]]))
    # box x 10..30, y 20..60 -> centre (20, 40), half sizes 12.5 / 25 -> square 25 -> x -5..45, y 15..65
    assert res["img_shape"] == (50, 50)
    np.testing.assert_allclose(res["keypoint"][0, 0], [[15, 5], [35, 45], [0, 0]])
    assert res["keypoint"].dtype == np.float32  # in-place subtraction of the int corner


def test_pose_compact_skips_small_boxes_and_nan():
    """PoseCompact: NaN -> 0 first; a tight box narrower than threshold=10 leaves the sample unchanged."""
    res = PoseCompact()(kp_results([[10, 20], [15, 60], [np.nan, 3]]))
    assert res["img_shape"] == (100, 100)  # width 5 < threshold 10
    assert res["keypoint"][0, 0, 2, 0] == 0


def test_resize_short_side_and_fixed():
    """augmentations.py Resize: (-1, s) -> mmcv.rescale_size, int(x * s / short + 0.5); keep_ratio=False -> (w, h);
    keypoints times the float32 scale_factor."""
    res = Resize((-1, 64))(kp_results([[10, 20]], shape=(50, 100)))
    assert res["img_shape"] == (64, 128)
    np.testing.assert_allclose(res["keypoint"][0, 0, 0], [12.8, 25.6], rtol=1e-6)
    res = Resize((48, 48))(res)
    assert res["img_shape"] == (48, 48)
    np.testing.assert_allclose(res["keypoint"][0, 0, 0], [12.8 * 48 / 128, 25.6 * 48 / 64], rtol=1e-6)


def test_random_resized_crop_falls_back_to_central_square():
    """augmentations.py RandomResizedCrop.get_crop_bbox: after 10 failed tries, the central min(h, w) square."""
    crop = RandomResizedCrop(area_range=(1.0, 1.0), aspect_ratio_range=(1.0, 1.0))
    res = crop(kp_results([[7, 3]], shape=(10, 20)))  # a 14x14 crop never fits a 10-high image
    assert res["img_shape"] == (10, 10)
    np.testing.assert_allclose(res["keypoint"][0, 0, 0], [2, 3])


def test_random_resized_crop_offsets_from_python_random():
    """RandomResizedCrop.get_crop_bbox: x/y offsets from python's random.randint(0, W - w) (both ends inclusive)."""
    crop = RandomResizedCrop(area_range=(0.25, 0.25), aspect_ratio_range=(1.0, 1.0))
    random.seed(1)
    res = crop(kp_results([[12, 12]], shape=(20, 20)))
    r = random.Random(1)
    left, top = r.randint(0, 10), r.randint(0, 10)
    assert res["img_shape"] == (10, 10)
    np.testing.assert_allclose(res["keypoint"][0, 0, 0], [12 - left, 12 - top])


def test_center_crop():
    """augmentations.py CenterCrop: left = (w - size) // 2, top = (h - size) // 2."""
    res = CenterCrop(56)(kp_results([[20, 10]], shape=(64, 80)))
    assert res["img_shape"] == (56, 56)
    np.testing.assert_allclose(res["keypoint"][0, 0, 0], [20 - 12, 10 - 4])


def test_keypoints_turn_float64_at_the_crop_as_in_mmaction2():
    """augmentations.py RandomCrop._crop_kps (used by RandomResizedCrop and CenterCrop) subtracts crop_bbox[:2], an
    int64 array: the float32 keypoints of PoseDecode / PoseCompact / Resize become float64, and Resize (float32
    factor), Flip (w - x) and the heatmap windows then run in float64. (Before issue 9 ours stayed float32.)"""
    res = kp_results(np.random.RandomState(0).uniform(10, 90, (17, 2)))
    dtypes = []
    for t in (PoseCompact(), Resize((-1, 64)), RandomResizedCrop(), Resize((48, 48)), Flip(1.0)):
        res = t(res)
        dtypes.append(res["keypoint"].dtype)
    assert dtypes == [np.float32, np.float32, np.float64, np.float64, np.float64]
    assert CenterCrop(10)(kp_results([[3.3, 4.4]]))["keypoint"].dtype == np.float64


def test_window_bound_from_the_float64_keypoint():
    """pose_loading.py GeneratePoseTarget.generate_a_heatmap: the window end is min(int(mu + 3*sigma) + 1, w) of
    the float64 centre. x = 41.75 cropped at left 3 and resized 50 -> 48 is mu = 44.75 * float32(0.96) =
    37.19999917 in float64, so pixels up to 38 are drawn; the float32 product rounds to 37.2 and would also draw
    pixel 39 (exp(-4.5) = 0.011: the error of the float32 pipeline before issue 9)."""
    res = {"keypoint": np.array([[[[41.75, 20.0]]]], np.float32), "keypoint_score": np.ones((1, 1, 1), np.float32),
           "img_shape": (50, 56)}
    res = Resize((48, 48))(CenterCrop(50)(res))
    mu = (41.75 - 3) * np.float64(np.float32(48 / 50))
    assert res["keypoint"][0, 0, 0, 0] == mu and int(mu + 1.8) + 1 == 39
    hm = GeneratePoseTarget()(dict(res, keypoint_score=np.ones((1, 1, 17), np.float32),
                                   keypoint=np.repeat(res["keypoint"], 17, axis=2)))["imgs"][0, 0]
    assert hm[19, 38] > 0 and hm[19, 39] == 0


def test_flip_mirrors_nonzero_x_and_swaps_sides():
    """augmentations.py Flip._flip_kps: x' = img_width - x for non-zero x only (not w - 1 - x), then the left_kp /
    right_kp indices swap in keypoints and scores."""
    kp = np.zeros((1, 1, 17, 2), np.float32)
    kp[0, 0, 1] = [10, 5]  # left eye
    score = np.zeros((1, 1, 17), np.float32)
    score[0, 0, 1] = 0.9
    res = Flip(flip_ratio=1.0)({"keypoint": kp, "keypoint_score": score, "img_shape": (30, 50)})
    np.testing.assert_allclose(res["keypoint"][0, 0, 2], [40, 5])  # x' = W - x, now the right eye
    np.testing.assert_allclose(res["keypoint"][0, 0, 1], [0, 0])  # a missing joint stays at 0
    assert res["keypoint_score"][0, 0, 2] == pytest.approx(0.9) and res["keypoint_score"][0, 0, 1] == 0


def test_keypoint_heatmap_hand_values():
    """generate_a_heatmap: score * exp(-d^2 / 2 / sigma^2) in [max(int(mu-3s), 0), min(int(mu+3s)+1, W)); scores
    below eps=1e-4 are skipped."""
    kp = np.array([[[[2, 3]]]], np.float32)
    hm = keypoint_heatmaps(kp, np.array([[[0.5]]], np.float32), 8, 8)[0, 0]
    assert hm[3, 2] == pytest.approx(0.5)
    assert hm[3, 3] == pytest.approx(0.5 * G1, rel=1e-6)
    assert hm[4, 3] == pytest.approx(0.5 * G1 * G1, rel=1e-6)
    assert hm[3, 4] == 0  # outside the window [int(2-1.8), int(2+1.8)+1) = [0, 4)
    assert keypoint_heatmaps(kp, np.array([[[5e-5]]], np.float32), 8, 8).max() == 0  # score < 1e-4


def test_keypoint_heatmap_max_over_persons():
    """generate_a_heatmap: persons are merged with np.maximum."""
    kp = np.array([[[[2, 3]]], [[[2, 3]]]], np.float32)
    hm = keypoint_heatmaps(kp, np.array([[[0.3]], [[0.7]]], np.float32), 8, 8)
    assert hm[0, 0, 3, 2] == pytest.approx(0.7)


@pytest.mark.parametrize("persons", [1, 2])
def test_vectorised_heatmaps_equal_reference(persons):
    """The separable float32 product stays within 1 ulp of the per-keypoint float64 patch of generate_a_heatmap."""
    kp, score = random_clip(persons, t=12, size=20, seed=persons)
    ref = reference_keypoint_heatmaps(kp, score, 20, 20)
    assert np.abs(keypoint_heatmaps(kp, score, 20, 20) - ref).max() <= 6e-8


def test_limb_heatmap_hand_values():
    """generate_a_limb_heatmap: Gaussian of the distance to the segment, times min(start, end) score, in the box
    window of both ends."""
    kp = np.zeros((1, 1, 17, 2), np.float32)
    kp[0, 0, 0], kp[0, 0, 1] = [1, 4], [6, 4]  # limb (0, 1): a horizontal segment
    score = np.zeros((1, 1, 17), np.float32)
    score[0, 0, 0], score[0, 0, 1] = 0.8, 0.6
    hm = limb_heatmaps(kp, score, 10, 10)[0, 0]
    assert hm[4, 3] == pytest.approx(0.6)  # on the segment: the weaker end's score
    assert hm[5, 3] == pytest.approx(0.6 * G1, rel=1e-6)
    assert hm[4, 8] == 0  # beyond the window int(6+1.8)+1 = 8


def test_degenerate_limb_is_its_start_keypoint():
    """generate_a_limb_heatmap: d2_ab < 1 draws generate_a_heatmap of the start point with the start's score."""
    kp = np.zeros((1, 2, 17, 2), np.float32)
    kp[0, :, 0], kp[0, :, 1] = [3.2, 4.1], [3.6, 4.3]  # 0.45 px apart
    score = np.zeros((1, 2, 17), np.float32)
    score[0, :, 0], score[0, :, 1] = 0.9, 0.5
    limb = limb_heatmaps(kp, score, 10, 10)[:, 0]
    np.testing.assert_allclose(limb, keypoint_heatmaps(kp, score, 10, 10)[:, 0], atol=1e-6)


def test_limb_channels_follow_the_configured_skeleton():
    """GeneratePoseTarget.generate_heatmap: limb channel i is skeletons[i]; the official *_limb configs pass their
    own order, so channels must follow data.skeletons (before issue 9 the order was fixed)."""
    kp, score = random_clip(1, t=3, size=24, seed=5)
    default = limb_heatmaps(kp, score, 24, 24, skeleton=SKELETON)
    config = limb_heatmaps(kp, score, 24, 24, skeleton=LIMB_CONFIG_SKELETON)
    perm = [SKELETON.index(limb) for limb in LIMB_CONFIG_SKELETON]
    np.testing.assert_array_equal(config, default[:, perm])
    d = load_config("configs/posec3d_r50_ntu60_xsub_limb.yaml")["data"]
    assert d["skeletons"] == OFFICIAL_LIMB_SKELETONS and d["with_limb"] and not d["with_kp"]
    target = build_pipeline(d, "train").transforms[-2]
    assert [list(x) for x in target.skeleton] == OFFICIAL_LIMB_SKELETONS


def test_flip_pairs_are_checked_against_the_skeleton():
    """Limb channels of a flipped sample line up only if left_limb/right_limb name the limbs that left_kp/right_kp
    swap (mmaction2 1.x / pyskl limb configs: left_limb [0, 2, 3, 6, 7, 8, 12, 14] for the limb order)."""
    check_flip_pairs(17, range(1, 17, 2), range(2, 17, 2), LIMB_CONFIG_SKELETON, LIMB_CONFIG_LEFT_LIMB,
                     LIMB_CONFIG_RIGHT_LIMB)
    with pytest.raises(UserError, match="left_limb/right_limb pair it with limb"):  # the default order's lists
        check_flip_pairs(17, range(1, 17, 2), range(2, 17, 2), LIMB_CONFIG_SKELETON, (0, 2, 4, 5, 6, 10, 11, 12),
                         (1, 3, 7, 8, 9, 13, 14, 15))
    data = dict(load_config("configs/posec3d_lite.yaml")["data"], left_kp=[1, 3], right_kp=[3, 4])
    with pytest.raises(UserError, match="not disjoint pairs"):
        build_pipeline(data, "test")


def test_generate_pose_target_double_appends_flipped_copy():
    """GeneratePoseTarget.__call__ with double=True: heatmaps of Flip(flip_ratio=1, left_kp, right_kp) of a copy
    are appended (redrawn at x' = W - x, left/right swapped)."""
    kp = np.zeros((1, 1, 17, 2), np.float32)
    kp[0, 0, 1] = [2, 3]
    score = np.zeros((1, 1, 17), np.float32)
    score[0, 0, 1] = 1.0
    res = GeneratePoseTarget(double=True)({"keypoint": kp, "keypoint_score": score, "img_shape": (8, 8)})
    assert res["imgs"].shape == (2, 17, 8, 8)
    assert res["imgs"][0, 1, 3, 2] == pytest.approx(1.0)
    assert res["imgs"][1, 2, 3, 6] == pytest.approx(1.0)  # flipped: x' = 8 - 2, left eye -> right eye


def test_format_shape_ncthw():
    """formatting.py FormatShape('NCTHW'): [crops*clips*T, ...] -> [crops*clips, C, T, H, W]."""
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
    assert build_pipeline(lite, "train")(dict(ann))["imgs"].shape == (1, 17, 8, 24, 24)
    assert build_pipeline(full, "train")(dict(ann))["imgs"].shape == (1, 17, 48, 48, 48)
    test = build_pipeline(full, "test")(dict(ann))["imgs"]
    assert test.shape == (20, 17, 48, 56, 56) and test.dtype == np.float32 and 0 < test.max() <= 1


def test_pipelines_equal_the_official_mmaction2_output():
    """Our pipelines, built from configs/posec3d_r50_ucf101_split1.yaml and configs/posec3d_r50_ntu60_xsub_limb.yaml
    (clip_len/test_clips shrunk), against the official mmaction2 0.x pipelines of the matching official configs
    on the same raw samples and seeds (tests/fixtures/make_official_fixture.py). The keypoint cases are ones where
    float32 keypoints moved a window bound (before issue 9: off by 5e-3..1e-2); the limb cases need the official
    skeleton order (before: off by ~0.9)."""
    fx = np.load(FIXTURE)
    configs = {"kp": "configs/posec3d_r50_ucf101_split1.yaml", "limb": "configs/posec3d_r50_ntu60_xsub_limb.yaml"}
    for i, case in enumerate(fx["cases"]):
        kind, mode = str(case).split("/")
        _, seed, clip_len, total, h, w = (int(v) for v in fx[f"case{i}/meta"])
        data = dict(load_config(configs[kind])["data"], clip_len=clip_len, test_clips=1)
        sample = {"keypoint": fx[f"case{i}/keypoint"], "keypoint_score": fx[f"case{i}/keypoint_score"],
                  "total_frames": total, "img_shape": (h, w), "start_index": 0}
        if seed >= 0:
            np.random.seed(seed)
            random.seed(seed)
        imgs = build_pipeline(data, mode)(sample)["imgs"]
        expected = np.zeros(int(np.prod(fx[f"case{i}/shape"])), np.float32)
        expected[fx[f"case{i}/index"]] = fx[f"case{i}/value"]
        assert imgs.shape == tuple(fx[f"case{i}/shape"]), case
        assert np.abs(imgs.ravel() - expected).max() <= 1.2e-7, (i, case)
