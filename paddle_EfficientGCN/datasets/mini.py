"""Mini NTU RGB+D in the real raw format: `.skeleton` text files named SsssCcccPpppRrrrAaaa.

Four learnable actions (A001 raise the right hand, A002 wave the left hand, A003 squat, A004 two people: one
walks forward while a second one enters mid-clip), subjects 1, 2 (x-sub train) and 3 (x-sub eval), cameras
1-3 (rotated views; camera 1 is x-view eval), plus bad files the reader must skip: zero frames, NaN, a
truncated file, and one sample from the official ignore list.

    python datasets/mini.py --out_dir test_tipc/data/ntu_raw
"""
import argparse
import os

import numpy as np

# A standing body, metres (x right, y up), NTU joint order 0..24.
BASE_POSE = np.array([
    [0.0, -0.30], [0.0, 0.0], [0.0, 0.30], [0.0, 0.45], [-0.18, 0.22], [-0.22, -0.02], [-0.24, -0.22],
    [-0.25, -0.28], [0.18, 0.22], [0.22, -0.02], [0.24, -0.22], [0.25, -0.28], [-0.09, -0.32], [-0.10, -0.70],
    [-0.10, -1.05], [-0.10, -1.10], [0.09, -0.32], [0.10, -0.70], [0.10, -1.05], [0.10, -1.10], [0.0, 0.22],
    [-0.26, -0.33], [-0.23, -0.30], [0.26, -0.33], [0.23, -0.30]])
RIGHT_ARM = [9, 10, 11, 23, 24]
LEFT_ARM = [5, 6, 7, 21, 22]
UPPER_BODY = [i for i in range(25) if i not in (14, 15, 18, 19)]
NUM_CLASS = 4
CAMERA_YAW = {1: 0.0, 2: np.pi / 4, 3: -np.pi / 4}


def body_motion(action: int, num_frame: int, rng: np.random.RandomState) -> list:
    """List of (first_frame, [T, 25, 3] xyz) bodies for one action (1-based)."""
    u = np.linspace(0, 1, num_frame)[:, None]
    amp = rng.uniform(0.7, 1.3)
    pose = np.zeros((num_frame, 25, 3))
    pose[:, :, :2] = BASE_POSE * rng.uniform(0.9, 1.1)
    pose[:, :, 0] += rng.uniform(-0.2, 0.2)
    pose[:, :, 2] = 3.0 + rng.uniform(-0.2, 0.2)
    bodies = []
    if action == 1:
        pose[:, RIGHT_ARM, 1] += 0.55 * amp * np.sin(np.pi * u)
    elif action == 2:
        pose[:, LEFT_ARM, 0] += -0.18 * amp * np.sin(6 * np.pi * u + rng.uniform(0, np.pi))
        pose[:, LEFT_ARM, 1] += 0.35
    elif action == 3:
        pose[:, UPPER_BODY, 1] -= 0.35 * amp * np.sin(np.pi * u)
    else:
        pose[:, :, 2] -= 0.3 * amp * u
        enter = num_frame // 4 + rng.randint(0, 4)
        other = pose[enter:].copy()
        other[:, :, 0] += 0.6
        bodies.append((enter, other))
    return [(0, pose)] + bodies


def to_camera(xyz: np.ndarray, camera: int) -> np.ndarray:
    yaw = CAMERA_YAW[camera]
    rot = np.array([[np.cos(yaw), 0, np.sin(yaw)], [0, 1, 0], [-np.sin(yaw), 0, np.cos(yaw)]])
    center = np.array([0, 0, 3.0])
    return (xyz - center) @ rot.T + center


def skeleton_text(frames: list) -> str:
    """frames: list over time of lists of [25, 3] bodies -> NTU .skeleton text."""
    lines = [str(len(frames))]
    for bodies in frames:
        lines.append(str(len(bodies)))
        for m, joints in enumerate(bodies):
            lines.append(f'{72057594037931101 + m} 0 1 1 1 1 0 0.01 -0.25 2')
            lines.append('25')
            for x, y, z in joints:
                dx, dy = 256 + 300 * x / z, 212 - 300 * y / z
                lines.append(f'{x:.7f} {y:.7f} {z:.7f} {dx:.4f} {dy:.4f} {3.6 * dx:.3f} {2.5 * dy:.3f} '
                             '0.9 0.01 0.3 0.02 2')
    return '\n'.join(lines) + '\n'


def make_sample(action: int, camera: int, rng: np.random.RandomState, num_frame: int) -> str:
    bodies = body_motion(action, num_frame, rng)
    frames = [[] for _ in range(num_frame)]
    for start, xyz in bodies:
        xyz = to_camera(xyz + rng.normal(0, 0.01, xyz.shape), camera)
        for t in range(len(xyz)):
            frames[start + t].append(xyz[t])
    return skeleton_text(frames)


def generate_mini(out_dir: str, seed: int = 0, subjects=(1, 2, 3), replications=(1, 2),
                  frames=(28, 36)) -> dict:
    """Write the mini set; returns {'good': n, 'bad': n}."""
    rng = np.random.RandomState(seed)
    os.makedirs(out_dir, exist_ok=True)
    good = 0
    for subject in subjects:
        for camera in CAMERA_YAW:
            for rep in replications:
                for action in range(1, NUM_CLASS + 1):
                    name = f'S001C{camera:03d}P{subject:03d}R{rep:03d}A{action:03d}'
                    text = make_sample(action, camera, rng, rng.randint(frames[0], frames[1] + 1))
                    with open(os.path.join(out_dir, name + '.skeleton'), 'w') as f:
                        f.write(text)
                    good += 1
    good_text = make_sample(1, 2, rng, frames[0])
    lines = good_text.split('\n')
    nan_lines = lines[:4] + ['nan ' + lines[4].split(' ', 1)[1]] + lines[5:]  # line 5: x of joint 1, frame 1
    bad = {
        'S001C002P001R003A001': '0\n',                                          # zero frames
        'S001C002P002R003A002': '\n'.join(nan_lines),                           # NaN coordinate
        'S001C003P003R003A003': '\n'.join(lines[:200]) + '\n',                 # truncated
        'S001C002P005R002A008': good_text,                                      # on the official ignore list
    }
    for name, text in bad.items():
        with open(os.path.join(out_dir, name + '.skeleton'), 'w') as f:
            f.write(text)
    return {'good': good, 'bad': len(bad)}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out_dir', default=os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                                                       'test_tipc', 'data', 'ntu_raw'))
    parser.add_argument('--seed', type=int, default=0)
    args = parser.parse_args(argv)
    counts = generate_mini(args.out_dir, args.seed)
    print(f'mini NTU: {counts["good"]} samples + {counts["bad"]} bad files in {args.out_dir}')


if __name__ == '__main__':
    main()
