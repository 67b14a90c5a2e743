"""Write a small, seeded, learnable FSD-10 look-alike in the real .npy layout.

Each class is a skating-like motion of a BODY_25 skeleton (x, y in -1..1, confidence channel,
zero-padded tail of random length), so ST-GCN can learn it in a few epochs on a CPU:
0 spin (the body's width oscillates as it turns), 1 jump (arms overhead, legs tucked), 2 arm wave,
3 spiral (one leg lifts backwards), 4 step sequence (knees lift in turn, torso sways).
The motions differ relative to the mid-hip, which SkeletonNorm subtracts.

    python datasets/mini.py --out_dir data/mini
writes train_data.npy [N,3,T,25,1] float32, train_label.npy [N] int64, test_A_data.npy (no labels)
and example_sample.npy [3,T,25,1] (one sample, as PaddleVideo's example_skeleton.npy).
"""
import argparse
import os
from typing import Tuple

import numpy as np

CLASS_NAMES = ["spin", "jump", "arm_wave", "spiral", "step_sequence"]

# standing pose, BODY_25 order, y up, mid-hip (8) at the origin; a skater filling most of the frame
BASE_POSE = 2.0 * np.array([
    [0.00, 0.35], [0.00, 0.25], [-0.08, 0.25], [-0.10, 0.12], [-0.11, 0.00], [0.08, 0.25], [0.10, 0.12],
    [0.11, 0.00], [0.00, 0.00], [-0.05, 0.00], [-0.05, -0.18], [-0.05, -0.36], [0.05, 0.00], [0.05, -0.18],
    [0.05, -0.36], [-0.02, 0.37], [0.02, 0.37], [-0.04, 0.36], [0.04, 0.36], [0.08, -0.40], [0.10, -0.39],
    [0.04, -0.38], [-0.08, -0.40], [-0.10, -0.39], [-0.04, -0.38]])
LEFT_LEG = [13, 14, 19, 20, 21]
RIGHT_LEG = [10, 11, 22, 23, 24]
ARMS = {2: [3, 4], 5: [6, 7]}  # shoulder -> joints that swing around it


def rotate(points: np.ndarray, pivot: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rotate points [T, J, 2] around pivot [T, 2] by angle [T] (radians)."""
    cos, sin = np.cos(angle)[:, None], np.sin(angle)[:, None]
    d = points - pivot[:, None]
    return pivot[:, None] + np.stack([cos * d[..., 0] - sin * d[..., 1], sin * d[..., 0] + cos * d[..., 1]], -1)


def motion(label: int, t_valid: int, rng: np.random.RandomState) -> np.ndarray:
    """Joint positions [T, 25, 2] of one class's motion."""
    phase = 2 * np.pi * rng.uniform(1.5, 2.5) * np.arange(t_valid) / t_valid + rng.uniform(0, 2 * np.pi)
    pose = np.repeat(BASE_POSE[None], t_valid, axis=0).copy()
    if label == 0:  # spin: projected width follows cos of the turning angle
        pose[..., 0] *= np.cos(phase)[:, None]
    elif label == 1:  # jump: arms go overhead and both legs tuck while airborne
        air = np.maximum(np.sin(phase), 0)[:, None]
        pose[:, [4, 7], 1] += 0.9 * air
        pose[:, [3, 6], 1] += 0.4 * air
        pose[:, LEFT_LEG + RIGHT_LEG, 1] += 0.3 * air
    elif label == 2:  # arm wave: both arms swing up and down around the shoulders
        for shoulder, joints in ARMS.items():
            sign = 1 if shoulder == 5 else -1
            pose[:, joints] = rotate(pose[:, joints], pose[:, shoulder], sign * 1.2 * (1 + np.sin(phase)))
    elif label == 3:  # spiral: the left leg rises backwards, slowly, up to horizontal
        lift = 1.4 * np.clip(np.arange(t_valid) / (0.6 * t_valid), 0, 1) * (1 + 0.1 * np.sin(phase))
        pose[:, LEFT_LEG] = rotate(pose[:, LEFT_LEG], pose[:, 12], lift)
    elif label == 4:  # step sequence: knees lift in turn, the torso sways sideways
        pose[:, LEFT_LEG, 1] += 0.3 * np.maximum(np.sin(phase), 0)[:, None]
        pose[:, RIGHT_LEG, 1] += 0.3 * np.maximum(-np.sin(phase), 0)[:, None]
        pose[:, :8, 0] += 0.25 * np.sin(phase)[:, None]
        pose[:, 15:19, 0] += 0.25 * np.sin(phase)[:, None]
    else:
        raise ValueError(f"label {label} has no motion (0..{len(CLASS_NAMES) - 1})")
    return pose


def make_sample(label: int, frames: int, rng: np.random.RandomState) -> np.ndarray:
    """One sample [3, frames, 25, 1]: x, y, confidence, zeros after a random valid length."""
    t_valid = rng.randint(frames // 2, frames + 1)
    pose = motion(label, t_valid, rng) * rng.uniform(0.8, 1.1) + rng.uniform(-0.1, 0.1, size=2)
    pose += rng.normal(0, 0.01, size=pose.shape)
    sample = np.zeros((3, frames, 25, 1), dtype=np.float32)
    sample[:2, :t_valid, :, 0] = np.clip(pose, -1, 1).transpose(2, 0, 1)
    sample[2, :t_valid, :, 0] = rng.uniform(0.6, 1.0, size=(t_valid, 25))
    return sample


def make_split(num: int, num_classes: int, frames: int, rng: np.random.RandomState) -> Tuple[np.ndarray, np.ndarray]:
    labels = np.arange(num) % num_classes  # balanced; with the i % 7 split every class is in train and val
    rng.shuffle(labels)
    data = np.stack([make_sample(int(y), frames, rng) for y in labels])
    return data, labels.astype(np.int64)


def write_mini(out_dir: str, num_train: int = 140, num_test: int = 14, frames: int = 120,
               num_classes: int = 5, seed: int = 0) -> None:
    if not 2 <= num_classes <= len(CLASS_NAMES):
        raise ValueError(f"num_classes must be in 2..{len(CLASS_NAMES)}")
    rng = np.random.RandomState(seed)
    os.makedirs(out_dir, exist_ok=True)
    train, labels = make_split(num_train, num_classes, frames, rng)
    test, _ = make_split(num_test, num_classes, frames, rng)
    np.save(os.path.join(out_dir, "train_data.npy"), train)
    np.save(os.path.join(out_dir, "train_label.npy"), labels)
    np.save(os.path.join(out_dir, "test_A_data.npy"), test)
    np.save(os.path.join(out_dir, "example_sample.npy"), test[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    folder = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    parser.add_argument("--out_dir", default=os.path.join(folder, "data", "mini"))
    parser.add_argument("--num_train", type=int, default=70)
    parser.add_argument("--num_test", type=int, default=14)
    parser.add_argument("--frames", type=int, default=120, help="T of the files (valid part: T/2..T)")
    parser.add_argument("--num_classes", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    write_mini(args.out_dir, args.num_train, args.num_test, args.frames, args.num_classes, args.seed)
    print(f"mini FSD-10 data written to {args.out_dir}")


if __name__ == "__main__":
    main()
