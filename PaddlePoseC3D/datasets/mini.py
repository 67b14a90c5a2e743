"""Write a small, seeded, learnable pose pkl in the exact UCF-101 PoseC3D format.

Each class is a distinct body pose/motion (arms up, arms sideways, one arm waving, squat; names in
datasets/labels/mini.txt); videos vary in length (some shorter than the sampler's clip), position, scale and noise;
some hold 2 persons and some frames hold no detected person (all-zero keypoints and scores).
    python datasets/mini.py --out test_tipc/data/mini_ucf101.pkl [--infer_videos 240]
Beside it: predict_example.pkl (one annotation dict, predict.py's default input), fixed_input.pkl (the first test
video of each class, a list: the TIPC fixed input) and, with --infer_videos N, whole_infer.pkl (N more videos).
"""
from __future__ import annotations

import argparse
import os
import pickle

import numpy as np

# A standing COCO-17 skeleton in a unit box (x right, y down): nose, eyes, ears, shoulders, elbows, wrists,
# hips, knees, ankles (left = person's left = image right).
BASE = np.array([[0.50, 0.10], [0.53, 0.08], [0.47, 0.08], [0.56, 0.10], [0.44, 0.10],
                 [0.62, 0.25], [0.38, 0.25], [0.66, 0.40], [0.34, 0.40], [0.68, 0.55], [0.32, 0.55],
                 [0.58, 0.55], [0.42, 0.55], [0.58, 0.75], [0.42, 0.75], [0.58, 0.95], [0.42, 0.95]],
                dtype=np.float32)
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "labels", "mini.txt"), encoding="utf-8") as _f:
    CLASS_NAMES = tuple(line.strip() for line in _f if line.strip())  # arms_up, arms_sideways, wave_right, squat


def class_pose(label: int, t: np.ndarray) -> np.ndarray:
    """[T, 17, 2] unit-box poses of one class over normalised time t in [0, 1]."""
    pose = np.repeat(BASE[None], len(t), axis=0).copy()
    if label == 0:  # both arms raised above the head
        pose[:, [7, 8], 1], pose[:, [9, 10], 1] = 0.05, -0.10
    elif label == 1:  # arms held out sideways
        pose[:, [7, 9], 0] = [0.80, 0.95]
        pose[:, [8, 10], 0] = [0.20, 0.05]
        pose[:, 7:11, 1] = 0.25
    elif label == 2:  # right elbow out at shoulder height, the forearm up, its wrist waving left-right
        pose[:, 8] = [0.18, 0.25]
        pose[:, 10, 1] = 0.05
        pose[:, 10, 0] = 0.18 + 0.12 * np.sin(2 * np.pi * 2 * t)
    else:  # deep squat, hands together in front of the chest: hips drop, knees spread wide, feet apart
        pose[:, 11:13, 1] = 0.72
        pose[:, [13, 14], 0] = [0.82, 0.18]
        pose[:, 13:15, 1] = 0.80
        pose[:, [15, 16], 0] = [0.68, 0.32]
        pose[:, [7, 8]] = [[0.60, 0.33], [0.40, 0.33]]
        pose[:, [9, 10]] = [[0.53, 0.30], [0.47, 0.30]]
        pose[:, :11, 1] += 0.17
    return pose


def make_video(rng: np.random.RandomState, label: int, idx: int, num_frames: int, persons: int,
               img_hw=(256, 340)) -> dict:
    h, w = img_hw
    t = np.linspace(0, 1, num_frames, dtype=np.float32)
    kps, scores = [], []
    for _ in range(persons):
        size = rng.uniform(120, 200)
        origin = np.array([rng.uniform(0, w - size * 0.8), rng.uniform(0, h - size)], dtype=np.float32)
        pose = class_pose(label, t) * size + origin + rng.normal(0, 2.0, (num_frames, 17, 2))
        kps.append(np.clip(pose, 1, [w - 1, h - 1]))
        scores.append(rng.uniform(0.5, 1.0, (num_frames, 17)))
    kp, score = np.stack(kps), np.stack(scores)
    if num_frames > 6 and rng.rand() < 0.3:  # a few frames where the detector found nobody
        gone = rng.choice(num_frames, 2, replace=False)
        kp[:, gone], score[:, gone] = 0, 0
    return {"frame_dir": f"v_{CLASS_NAMES[label]}_g{idx:02d}_c01", "label": label, "total_frames": num_frames,
            "img_shape": (h, w), "original_shape": (h, w), "modality": "Pose", "start_index": 0,
            "keypoint": kp.astype(np.float16), "keypoint_score": score.astype(np.float16)}


def make_mini(num_classes: int = 4, train_per_class: int = 8, test_per_class: int = 3, seed: int = 0,
              min_frames: int = 5, max_frames: int = 40) -> dict:
    """{'split': {train1..test3}, 'annotations': [...]} with every split equal to split 1."""
    rng = np.random.RandomState(seed)
    anns, train, test = [], [], []
    for label in range(num_classes):
        for i in range(train_per_class + test_per_class):
            ann = make_video(rng, label, i, int(rng.randint(min_frames, max_frames + 1)), 1 + int(rng.rand() < 0.3))
            anns.append(ann)
            (train if i < train_per_class else test).append(ann["frame_dir"])
    split = {f"{part}{k}": list(names) for k in (1, 2, 3) for part, names in (("train", train), ("test", test))}
    return {"split": split, "annotations": anns}


def make_infer_set(num_videos: int, num_classes: int = 4, seed: int = 1) -> list:
    """`num_videos` more videos (a list of annotation dicts, classes in turn) for the lite_train_whole_infer set."""
    rng = np.random.RandomState(seed)
    return [make_video(rng, i % num_classes, 100 + i, int(rng.randint(5, 41)), 1 + int(rng.rand() < 0.3))
            for i in range(num_videos)]


def write_stick_video(path: str, frames: int, size=(320, 240), fps: float = 25.0, x0: int = 60, dx: int = 1) -> str:
    """An mp4 of a light stick figure (head, body, two legs) walking right by `dx` px a frame on grey: the video
    demo's input in tests/test_video_to_pose.py and tools/benchmark.py (needs opencv)."""
    import cv2
    w, h = size
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (w, h))
    for t in range(frames):
        img = np.full((h, w, 3), 90, np.uint8)
        cx = x0 + dx * t
        cv2.circle(img, (cx, 60), 12, (230, 230, 230), -1)
        cv2.line(img, (cx, 72), (cx, 150), (230, 230, 230), 5)
        cv2.line(img, (cx, 150), (cx - 20, 210), (230, 230, 230), 5)
        cv2.line(img, (cx, 150), (cx + 20, 210), (230, 230, 230), 5)
        writer.write(img)
    writer.release()
    return str(path)


def _dump(obj, path: str) -> None:
    tmp = f"{path}.tmp-{os.getpid()}"
    with open(tmp, "wb") as f:
        pickle.dump(obj, f)
    os.replace(tmp, path)


def write_mini(out: str, infer_videos: int = 0, **kwargs) -> str:
    """The mini pkl at `out`, and beside it predict_example.pkl, fixed_input.pkl [and whole_infer.pkl]."""
    folder = os.path.dirname(os.path.abspath(out))
    os.makedirs(folder, exist_ok=True)
    data = make_mini(**kwargs)
    _dump(data, out)
    # one annotation dict, like PaddleVideo's example_UCF101_skeleton.pkl
    _dump(data["annotations"][-1], os.path.join(folder, "predict_example.pkl"))
    test = [a for a in data["annotations"] if a["frame_dir"] in set(data["split"]["test1"])]
    fixed = [next(a for a in test if a["label"] == c) for c in sorted({a["label"] for a in test})]
    _dump(fixed, os.path.join(folder, "fixed_input.pkl"))
    if infer_videos:
        _dump(make_infer_set(infer_videos, kwargs.get("num_classes", 4)), os.path.join(folder, "whole_infer.pkl"))
    return out


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                 "test_tipc", "data", "mini_ucf101.pkl"))
    p.add_argument("--num_classes", type=int, default=4)
    p.add_argument("--train_per_class", type=int, default=8)
    p.add_argument("--test_per_class", type=int, default=3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--infer_videos", type=int, default=0, help="also write whole_infer.pkl with this many videos")
    a = p.parse_args()
    print(write_mini(a.out, a.infer_videos, num_classes=a.num_classes, train_per_class=a.train_per_class,
                     test_per_class=a.test_per_class, seed=a.seed))
