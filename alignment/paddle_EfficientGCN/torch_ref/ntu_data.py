"""The NTU data pipeline of the official code, our own numpy version for step 0, written from EfficientGCNv1
src/reader/ntu_reader.py (NTU_Reader.read_file, get_nonzero_std, gendata), src/reader/transformer.py
(pre_normalization, rotation_matrix, angle_between) and src/dataset/ntu_feeder.py (NTU_Feeder.__getitem__,
multi_input). It keeps the official loops and dtypes (float32 buffers, float64 feature arrays)."""
import math
import os
from typing import List, Tuple

import numpy as np

MAX_PERSON, MAX_FRAME, MAX_JOINT, MAX_CHANNEL, SELECT_PERSON = 4, 300, 25, 3, 2  # NTU_Reader.__init__
# NTU_Reader.__init__ training_samples: subjects (x-sub) and cameras (x-view) of the training split
TRAIN_SUBJECTS = [1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38]
TRAIN_CAMERAS = [2, 3]


def read_file(path: str) -> Tuple[np.ndarray, int]:
    """NTU_Reader.read_file: a float32 [4, 300, 25, 3] buffer filled line by line with x, y, z of every joint
    of every body of every frame, cut to the file's frame count."""
    buf = np.zeros((MAX_PERSON, MAX_FRAME, MAX_JOINT, MAX_CHANNEL), dtype=np.float32)
    with open(path) as f:
        frames = int(f.readline())
        for t in range(frames):
            for m in range(int(f.readline())):
                f.readline()  # the body line (bodyID, clipedEdges, hand states, ...)
                for j in range(int(f.readline())):
                    values = f.readline().strip().split()
                    buf[m, t, j, :] = np.array(values[:MAX_CHANNEL], dtype=np.float32)
    return buf[:, :frames], frames


def nonzero_std(body: np.ndarray) -> float:
    """NTU_Reader.get_nonzero_std: std(x) + std(y) + std(z) over the frames whose coordinates do not sum to 0."""
    body = body[body.sum(-1).sum(-1) != 0]
    if len(body) == 0:
        return 0
    return body[:, :, 0].std() + body[:, :, 1].std() + body[:, :, 2].std()


def read_sample(path: str) -> Tuple[np.ndarray, int]:
    """NTU_Reader.gendata, one sample: the two bodies of largest energy (argsort()[::-1][:2]) as a zero-padded
    float32 [3, 300, 25, 2]."""
    skeleton, frames = read_file(path)
    energy = np.array([nonzero_std(skeleton[m]) for m in range(MAX_PERSON)])
    keep = energy.argsort()[::-1][:SELECT_PERSON]
    data = np.zeros((MAX_CHANNEL, MAX_FRAME, MAX_JOINT, SELECT_PERSON), dtype=np.float32)
    data[:, :frames] = skeleton[keep].transpose(3, 1, 2, 0)
    return data, frames


def list_split(raw_dir: str, benchmark: str, phase: str, ignored: List[str]) -> List[Tuple[str, int]]:
    """NTU_Reader.gendata's loop head: files in sorted order, the ignored ones skipped, the setup/camera/subject/
    action read after the letters S, C, P, A; label = action - 1."""
    out = []
    for name in sorted(os.listdir(raw_dir)):
        if name in ignored:
            continue
        camera = int(name[name.find('C') + 1:name.find('C') + 4])
        subject = int(name[name.find('P') + 1:name.find('P') + 4])
        action = int(name[name.find('A') + 1:name.find('A') + 4])
        training = camera in TRAIN_CAMERAS if benchmark == 'ntu-xview' else subject in TRAIN_SUBJECTS
        if training == (phase == 'train'):
            out.append((os.path.join(raw_dir, name), action - 1))
    return out


def rotation_matrix(axis, theta) -> np.ndarray:
    """transformer.py rotation_matrix: Euler-Rodrigues, identity for a (nearly) zero axis or angle."""
    if np.abs(axis).sum() < 1e-6 or np.abs(theta) < 1e-6:
        return np.eye(3)
    axis = np.asarray(axis)
    axis = axis / math.sqrt(np.dot(axis, axis))
    a = math.cos(theta / 2.0)
    b, c, d = -axis * math.sin(theta / 2.0)
    return np.array([[a * a + b * b - c * c - d * d, 2 * (b * c + a * d), 2 * (b * d - a * c)],
                     [2 * (b * c - a * d), a * a + c * c - b * b - d * d, 2 * (c * d + a * b)],
                     [2 * (b * d + a * c), 2 * (c * d - a * b), a * a + d * d - b * b - c * c]])


def angle_between(v1, v2) -> float:
    """transformer.py angle_between: arccos of the clipped dot product of the unit vectors, 0 for a zero vector."""
    if np.abs(v1).sum() < 1e-6 or np.abs(v2).sum() < 1e-6:
        return 0
    u1 = v1 / np.linalg.norm(v1)
    u2 = v2 / np.linalg.norm(v2)
    return np.arccos(np.clip(np.dot(u1, u2), -1.0, 1.0))


def _rotate(s: np.ndarray, i: int, matrix: np.ndarray) -> None:
    """The joint-by-joint np.dot(matrix, joint) of transformer.py over the non-empty frames of present persons
    (written back into the float32 array)."""
    for p in range(s.shape[1]):
        if s[i, p].sum() == 0:
            continue
        for f in range(s.shape[2]):
            if s[i, p, f].sum() == 0:
                continue
            for j in range(s.shape[3]):
                s[i, p, f, j] = np.dot(matrix, s[i, p, f, j])


def pre_normalization(data: np.ndarray, zaxis=(0, 1), xaxis=(8, 4)) -> np.ndarray:
    """transformer.py pre_normalization on [N, C, T, V, M] (works on the float32 array in place, as the
    official, then returns it as [N, C, T, V, M])."""
    n, c, t, v, m = data.shape
    s = np.transpose(data, [0, 4, 2, 3, 1])  # N, M, T, V, C
    for i in range(n):  # 1. pad the null frames with the previous frames
        for p in range(m):
            person = s[i, p]
            if person.sum() == 0:
                continue
            if person[0].sum() == 0:  # an empty first frame: every non-empty frame moves to the front
                moved = person[person.sum(-1).sum(-1) != 0].copy()
                person *= 0
                person[:len(moved)] = moved
            for f in range(t):
                if person[f].sum() == 0 and person[f:].sum() == 0:  # only empty frames from here on
                    rest = t - f
                    s[i, p, f:] = np.concatenate([person[0:f]] * int(np.ceil(rest / f)), 0)[:rest]
                    break
    for i in range(n):  # 2. subtract joint 1 (spine middle) of person 0 from every present joint
        if s[i].sum() == 0:
            continue
        center = s[i, 0][:, 1:2, :].copy()
        for p in range(m):
            if s[i, p].sum() == 0:
                continue
            mask = (s[i, p].sum(-1) != 0).reshape(t, v, 1)
            s[i, p] = (s[i, p] - center) * mask
    for i in range(n):  # 3. joint_top - joint_bottom (zaxis[1] - zaxis[0]) of person 0, frame 0 along +z
        if s[i].sum() == 0:
            continue
        bone = s[i, 0, 0, zaxis[1]] - s[i, 0, 0, zaxis[0]]
        _rotate(s, i, rotation_matrix(np.cross(bone, [0, 0, 1]), angle_between(bone, [0, 0, 1])))
    for i in range(n):  # 4. joint_rshoulder - joint_lshoulder (xaxis[0] - xaxis[1] = 8 - 4) along +x
        if s[i].sum() == 0:
            continue
        bone = s[i, 0, 0, xaxis[0]] - s[i, 0, 0, xaxis[1]]
        _rotate(s, i, rotation_matrix(np.cross(bone, [1, 0, 0]), angle_between(bone, [1, 0, 0])))
    return np.transpose(s, [0, 4, 2, 3, 1])


def multi_input(data: np.ndarray, conn: np.ndarray) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ntu_feeder.py NTU_Feeder.multi_input on one [C, T, V, M] float32 sample: float64 arrays filled with
    float32 differences; joint = [x, x - x[joint 1]], velocity = [x(t+1) - x(t), x(t+2) - x(t)] (last two frames
    0), bone = [x - x[parent], arccos(bone_c / (|bone| + 1e-4))]."""
    c, t, v, m = data.shape
    joint, velocity, bone = (np.zeros((2 * c, t, v, m)) for _ in range(3))
    joint[:c] = data
    for j in range(v):
        joint[c:, :, j] = data[:, :, j] - data[:, :, 1]
    for f in range(t - 2):
        velocity[:c, f] = data[:, f + 1] - data[:, f]
        velocity[c:, f] = data[:, f + 2] - data[:, f]
    for j in range(len(conn)):
        bone[:c, :, j] = data[:, :, j] - data[:, :, conn[j]]
    length = 0
    for k in range(c):
        length = length + bone[k] ** 2
    length = np.sqrt(length) + 0.0001
    for k in range(c):
        bone[c + k] = np.arccos(bone[k] / length)
    return joint, velocity, bone


def feeder_item(data: np.ndarray, num_frame: int, conn: np.ndarray, inputs: str = 'JVB') -> np.ndarray:
    """NTU_Feeder.__getitem__ on the first num_frame frames, then the float32 cast of Processor (x.float())."""
    joint, velocity, bone = multi_input(np.array(data)[:, :num_frame], conn)
    chosen = [f for k, f in zip('JVB', (joint, velocity, bone)) if k in inputs]
    return np.stack(chosen, axis=0).astype(np.float32)
