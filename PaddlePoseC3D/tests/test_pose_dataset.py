"""Reader, validator, splits and the mini generator."""
import pickle

import numpy as np
import pytest

from datasets.mini import make_mini
from datasets.pose_dataset import build_dataset, load_split, validate_annotation
from utils import UserError
from utils.config import load_config


def good_ann(**kw):
    ann = {"frame_dir": "v_a", "label": 1, "total_frames": 3, "img_shape": (256, 340),
           "original_shape": (256, 340), "keypoint": np.ones((1, 3, 17, 2), np.float16),
           "keypoint_score": np.ones((1, 3, 17), np.float16)}
    ann.update(kw)
    return ann


def test_mini_is_in_the_real_format():
    data = make_mini(num_classes=3, train_per_class=2, test_per_class=1, seed=0)
    assert set(data["split"]) == {f"{p}{k}" for p in ("train", "test") for k in (1, 2, 3)}
    assert len(data["split"]["train1"]) == 6 and len(data["split"]["test1"]) == 3
    for ann in data["annotations"]:
        validate_annotation(ann, "mini", 3)
        assert ann["keypoint"].dtype == np.float16 and ann["keypoint_score"].dtype == np.float16
        assert ann["keypoint"].shape[1:] == (ann["total_frames"], 17, 2)
    assert make_mini(seed=0)["annotations"][5]["keypoint"].tobytes() == \
        make_mini(seed=0)["annotations"][5]["keypoint"].tobytes()


def test_mini_has_short_clips_two_persons_and_empty_frames():
    anns = make_mini(seed=0)["annotations"]
    assert any(a["total_frames"] < 8 for a in anns)  # shorter than the lite clip_len: the sampler loops
    assert any(a["keypoint"].shape[0] == 2 for a in anns)
    assert any((a["keypoint_score"].reshape(a["keypoint"].shape[0], a["total_frames"], -1).sum((0, 2)) == 0).any()
               for a in anns)


@pytest.mark.parametrize("bad,match", [
    ({"keypoint": None}, "float arrays"),
    ({"keypoint": np.ones((1, 3, 17, 2), np.int32)}, "float arrays"),
    ({"keypoint": np.ones((1, 3, 25, 2), np.float16), "keypoint_score": np.ones((1, 3, 25), np.float16)}, "COCO-17"),
    ({"keypoint": np.ones((3, 17, 2), np.float16)}, r"\[M, T, 17, 2\]"),
    ({"keypoint_score": np.ones((1, 3, 16), np.float16)}, "does not match"),
    ({"total_frames": 5}, "total_frames"),
    ({"keypoint": np.full((1, 3, 17, 2), np.inf, np.float16)}, "inf"),
    ({"keypoint_score": np.full((1, 3, 17), np.nan, np.float16)}, "NaN"),
    ({"label": 7}, "label"),
    ({"label": 0.5}, "label"),  # issue 10: a float label is not cut to an int
    ({"label": True}, "label"),
    ({"total_frames": "3"}, "total_frames"),
    ({"keypoint": np.ones((1, 0, 17, 2), np.float16), "keypoint_score": np.ones((1, 0, 17), np.float16),
      "total_frames": 0}, "total_frames"),
    ({"img_shape": (0, 340)}, "img_shape"),
    ({"img_shape": "256x340"}, "img_shape"),
])
def test_validator_errors(bad, match):
    with pytest.raises(UserError, match=match):
        validate_annotation(good_ann(**bad), "here", num_classes=4)


def test_nan_keypoints_are_missing_joints(tmp_path):
    kp = np.ones((1, 3, 17, 2), np.float16)
    kp[0, 1, 4] = np.nan
    data = {"split": {"train1": ["v_a"]}, "annotations": [good_ann(keypoint=kp)]}
    (tmp_path / "d.pkl").write_bytes(pickle.dumps(data))
    with pytest.warns(UserWarning, match="NaN keypoints"):
        load_split(str(tmp_path / "d.pkl"), "train1")


def test_validator_missing_key():
    ann = good_ann()
    del ann["keypoint_score"]
    with pytest.raises(UserError, match="misses keys"):
        validate_annotation(ann, "here")


def test_load_split_errors_and_zero_person_warning(tmp_path):
    data = {"split": {"train1": ["v_a", "v_b"]},
            "annotations": [good_ann(), good_ann(frame_dir="v_b", keypoint=np.zeros((0, 3, 17, 2), np.float16),
                                                 keypoint_score=np.zeros((0, 3, 17), np.float16))]}
    path = tmp_path / "d.pkl"
    path.write_bytes(pickle.dumps(data))
    with pytest.warns(UserWarning, match="no detected person"):
        assert len(load_split(str(path), "train1")) == 2
    with pytest.raises(UserError, match="split 'train2'"):
        load_split(str(path), "train2")
    data["split"]["train1"].append("v_missing")
    path.write_bytes(pickle.dumps(data))
    with pytest.raises(UserError, match="no annotation"):
        load_split(str(path), "train1")
    (tmp_path / "junk.pkl").write_bytes(b"not a pickle")
    with pytest.raises(UserError, match="pickle"):
        load_split(str(tmp_path / "junk.pkl"), "train1")


def test_dataset_items_and_zero_person_heatmaps(tmp_path):
    cfg = load_config("configs/posec3d_lite.yaml")
    empty = good_ann(label=0, frame_dir="v_b", keypoint=np.zeros((0, 3, 17, 2), np.float16),
                     keypoint_score=np.zeros((0, 3, 17), np.float16))
    data = {"split": {"train1": ["v_a", "v_b"], "test1": ["v_b"]}, "annotations": [good_ann(), empty]}
    path = tmp_path / "d.pkl"
    path.write_bytes(pickle.dumps(data))
    with pytest.warns(UserWarning):
        train = build_dataset(str(path), cfg, "train")
        test = build_dataset(str(path), cfg, "test")
    assert len(train) == 2 * cfg["data"]["repeat"]
    imgs, label = test[0]
    assert imgs.shape == (4, 17, 8, 24, 24) and label == 0 and imgs.max() == 0


def test_load_videos_accepts_one_annotation_a_list_or_a_whole_pkl(mini_pkl):
    import os

    from datasets.pose_dataset import load_videos
    assert len(load_videos(mini_pkl)) == 44
    assert len(load_videos(os.path.join(os.path.dirname(mini_pkl), "predict_example.pkl"))) == 1
    assert len(load_videos(os.path.join(os.path.dirname(mini_pkl), "fixed_input.pkl"))) == 4


def test_training_augmentation_depends_on_seed_epoch_and_index_only(mini_pkl):
    """PoseDataset(seed=...) seeds numpy/random per (seed, epoch, index): the same clip whatever was drawn before
    (so neither the worker count nor the card count changes a clip), another clip in another epoch."""
    cfg = load_config("configs/posec3d_lite.yaml")
    a, b = build_dataset(mini_pkl, cfg, "train", seed=3), build_dataset(mini_pkl, cfg, "train", seed=3)
    _ = b[7]  # draws from the generators first
    np.testing.assert_array_equal(a[5][0], b[5][0])
    b.set_epoch(2)
    assert not np.array_equal(a[5][0], b[5][0])


def test_ntu_split_names_from_the_config(tmp_path):
    """mmaction2 1.x / pyskl NTU pkls name their splits xsub_train / xsub_val (0.x PoseDataset selects a split by
    name from data['split']): data.train_split / data.test_split pick them."""
    data = {"split": {"xsub_train": ["v_a"], "xsub_val": ["v_b"]},
            "annotations": [good_ann(), good_ann(frame_dir="v_b", label=2)]}
    path = tmp_path / "ntu.pkl"
    path.write_bytes(pickle.dumps(data))
    cfg = load_config("configs/posec3d_r50_ntu60_xsub_limb.yaml", {"data.clip_len": 2, "data.test_clips": 1})
    assert [a["frame_dir"] for a in build_dataset(str(path), cfg, "train").anns] == ["v_a"]
    test = build_dataset(str(path), cfg, "test")
    assert [a["frame_dir"] for a in test.anns] == ["v_b"] and test[0][0].shape == (2, 17, 2, 64, 64)
