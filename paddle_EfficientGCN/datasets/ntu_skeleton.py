"""Raw NTU RGB+D `.skeleton` files -> {train,eval}_data.npy [N, 3, 300, 25, 2] + {phase}_label.pkl.

Follows the official generator: x, y, z of up to 4 Kinect bodies per frame, the 2 bodies with the most motion
energy (std of x + y + z over their non-empty frames), zero padding to 300 frames, the dataset authors' list of
samples with missing skeletons skipped, and pre_normalization (2s-AGCN) for the transformed variants.
"""
import logging
import math
import os
import pickle
import shutil
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from utils import UserError

MAX_FRAME = 300
MAX_BODY_KINECT = 4
MAX_BODY = 2
NUM_JOINT = 25
IGNORE_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'ignore.txt')

XSUB_TRAIN_SUBJECTS = {1, 2, 4, 5, 8, 9, 13, 14, 15, 16, 17, 18, 19, 25, 27, 28, 31, 34, 35, 38}
XSUB120_TRAIN_SUBJECTS = XSUB_TRAIN_SUBJECTS | {
    45, 46, 47, 49, 50, 52, 53, 54, 55, 56, 57, 58, 59, 70, 74, 78, 80, 81, 82, 83, 84, 85, 86, 89, 91, 92, 93, 94,
    95, 97, 98, 100, 103}
XVIEW_TRAIN_CAMERAS = {2, 3}
BENCHMARKS = ('ntu-xsub', 'ntu-xview', 'ntu-xsub120', 'ntu-xset120')  # the official names
BENCHMARK_ALIASES = {'ntu120-xsub': 'ntu-xsub120', 'ntu120-xset': 'ntu-xset120'}


class BadSkeletonFile(ValueError):
    """A file that cannot be used (empty, truncated, NaN, no body); the generator skips it and counts it."""


def parse_name(name: str) -> Dict[str, int]:
    """'S001C002P003R002A013' -> setup, camera, subject, replication, action (1-based as in the name)."""
    if len(name) != 20 or [name[i] for i in (0, 4, 8, 12, 16)] != list('SCPRA'):
        raise BadSkeletonFile(f'{name} is not an NTU name SsssCcccPpppRrrrAaaa')
    try:
        return {'setup': int(name[1:4]), 'camera': int(name[5:8]), 'subject': int(name[9:12]),
                'replication': int(name[13:16]), 'action': int(name[17:20])}
    except ValueError:
        raise BadSkeletonFile(f'{name} is not an NTU name SsssCcccPpppRrrrAaaa')


def read_skeleton(path: str) -> np.ndarray:
    """All bodies of a .skeleton file -> [MAX_BODY_KINECT, frames, 25, 3] float32 (x, y, z in metres).

    Follows EfficientGCNv1 src/reader/ntu_reader.py NTU_Reader.read_file (x, y, z parsed as float32 into a
    4-body buffer), but a bad file raises BadSkeletonFile instead of crashing the whole generation, and bodies
    beyond the 4th / frames beyond the 300th are ignored (the official buffer would raise an IndexError).
    """
    try:
        with open(path, encoding='utf-8') as f:
            tokens = [line.split() for line in f]
    except UnicodeDecodeError:
        raise BadSkeletonFile(f'{path} is not a text .skeleton file (binary content)')
    pos = 0

    def next_line() -> List[str]:
        nonlocal pos
        if pos >= len(tokens):
            raise BadSkeletonFile(f'{path} is truncated at line {pos + 1}')
        pos += 1
        return tokens[pos - 1]

    try:
        num_frame = int(next_line()[0])
        data = np.zeros((MAX_BODY_KINECT, min(num_frame, MAX_FRAME), NUM_JOINT, 3), np.float32)
        for t in range(num_frame):
            num_body = int(next_line()[0])
            for m in range(num_body):
                next_line()  # bodyID, clipedEdges, hand states, isRestricted, lean, trackingState
                num_joint = int(next_line()[0])
                for j in range(num_joint):
                    xyz = np.array(next_line()[:3], dtype=np.float32)
                    if len(xyz) != 3:
                        raise ValueError(f'{len(xyz)} values on a joint line')
                    if m < MAX_BODY_KINECT and j < NUM_JOINT and t < MAX_FRAME:
                        data[m, t, j] = xyz
    except (IndexError, ValueError) as e:
        if isinstance(e, BadSkeletonFile):
            raise
        raise BadSkeletonFile(f'{path}: unreadable line {pos} ({e})')
    if num_frame == 0:
        raise BadSkeletonFile(f'{path} has zero frames')
    if not np.isfinite(data).all():
        raise BadSkeletonFile(f'{path} holds NaN/inf coordinates')
    if not data.any():
        raise BadSkeletonFile(f'{path} has no body in any frame')
    return data


def motion_energy(body: np.ndarray) -> float:
    """std(x) + std(y) + std(z) over the frames where the body is present (float32, as the official
    src/reader/ntu_reader.py NTU_Reader.get_nonzero_std)."""
    present = body[body.sum(-1).sum(-1) != 0]
    return 0.0 if len(present) == 0 else float(present[:, :, 0].std() + present[:, :, 1].std() +
                                               present[:, :, 2].std())


def read_xyz(path: str) -> np.ndarray:
    """Top-2 bodies by motion energy -> [3, frames, 25, 2] float32 (official NTU_Reader.gendata: energies
    sorted with argsort()[::-1], so among equal energies the later body slot comes first)."""
    data = read_skeleton(path)
    energy = np.array([motion_energy(b) for b in data])
    order = energy.argsort()[::-1][:MAX_BODY]
    return np.ascontiguousarray(data[order].transpose(3, 1, 2, 0), dtype=np.float32)


def read_sample(path: str, transform: bool = False) -> Tuple[np.ndarray, int]:
    """One .skeleton file -> ([3, 300, 25, 2] float32, frame count): exactly the row the generator writes into
    {train,eval}_data.npy (zero-padded to 300 frames, then pre-normalised when transform is set, as
    src/reader/ntu_reader.py NTU_Reader.gendata does for the x-view configs). predict.py and infer.py use it
    for raw files so that a model sees the same input at inference as in training."""
    xyz = read_xyz(path)
    out = np.zeros((3, MAX_FRAME, NUM_JOINT, MAX_BODY), np.float32)
    out[:, :xyz.shape[1]] = xyz
    if transform:
        out = pre_normalize_sample(out)
    return out, int(xyz.shape[1])


def is_train(info: Dict[str, int], benchmark: str) -> bool:
    if benchmark == 'ntu-xsub':
        return info['subject'] in XSUB_TRAIN_SUBJECTS
    if benchmark == 'ntu-xview':
        return info['camera'] in XVIEW_TRAIN_CAMERAS
    if benchmark == 'ntu-xsub120':
        return info['subject'] in XSUB120_TRAIN_SUBJECTS
    if benchmark == 'ntu-xset120':
        return info['setup'] % 2 == 0
    raise ValueError(f'unknown benchmark {benchmark!r}, choose one of {BENCHMARKS}')


def load_ignore_list(path: str = IGNORE_FILE) -> set:
    with open(path) as f:
        return {line.strip() for line in f if line.strip()}


def list_samples(raw_dirs: Sequence[str], benchmark: str, phase: str, ignored: set
                 ) -> Tuple[List[Tuple[str, int]], List[str]]:
    """(path, label) of every sample of the benchmark/phase (NTU-60 benchmarks only use setups 1-17), and the
    .skeleton files skipped because their name is not an NTU name SsssCcccPpppRrrrAaaa."""
    samples, unnamed = [], []
    for raw_dir in raw_dirs:
        for fname in sorted(os.listdir(raw_dir)):
            if not fname.endswith('.skeleton'):
                continue
            name = fname[:-len('.skeleton')]
            try:
                info = parse_name(name)
            except BadSkeletonFile:
                unnamed.append(fname)
                continue
            if name in ignored or (benchmark in ('ntu-xsub', 'ntu-xview') and info['setup'] > 17):
                continue
            if is_train(info, benchmark) == (phase == 'train'):
                samples.append((os.path.join(raw_dir, fname), info['action'] - 1))
    return samples, unnamed


def rotation_matrix(axis: np.ndarray, theta: float) -> np.ndarray:
    """Rotation by theta around axis (Euler-Rodrigues), identity for a degenerate axis/angle
    (src/reader/transformer.py rotation_matrix)."""
    if np.abs(axis).sum() < 1e-6 or np.abs(theta) < 1e-6:
        return np.eye(3)
    axis = np.asarray(axis)
    axis = axis / math.sqrt(np.dot(axis, axis))
    a = math.cos(theta / 2.0)
    b, c, d = -axis * math.sin(theta / 2.0)
    aa, bb, cc, dd = a * a, b * b, c * c, d * d
    bc, ad, ac, ab, bd, cd = b * c, a * d, a * c, a * b, b * d, c * d
    return np.array([[aa + bb - cc - dd, 2 * (bc + ad), 2 * (bd - ac)],
                     [2 * (bc - ad), aa + cc - bb - dd, 2 * (cd + ab)],
                     [2 * (bd + ac), 2 * (cd - ab), aa + dd - bb - cc]])


def angle_between(v1: np.ndarray, v2: np.ndarray) -> float:
    """Angle between two vectors, 0 when either is (nearly) zero (src/reader/transformer.py angle_between)."""
    v1, v2 = np.asarray(v1), np.asarray(v2)
    if np.abs(v1).sum() < 1e-6 or np.abs(v2).sum() < 1e-6:
        return 0.0
    return float(np.arccos(np.clip(np.dot(v1 / np.linalg.norm(v1), v2 / np.linalg.norm(v2)), -1.0, 1.0)))


def _align(s: np.ndarray, bone: np.ndarray, target: Sequence[int]) -> None:
    """Rotate every non-empty frame of every present person of s [M, T, V, C] (in place) by the rotation that
    takes bone onto target."""
    rot = rotation_matrix(np.cross(bone, target), angle_between(bone, target))
    for person in s:
        if person.sum() == 0:
            continue
        frames = person.sum(-1).sum(-1) != 0
        # the official rotates joint by joint with np.dot(matrix, joint) in float64 and stores float32
        person[frames] = (person[frames].astype(np.float64) @ rot.T).astype(s.dtype)


def pre_normalize_sample(sample: np.ndarray, zaxis=(0, 1), xaxis=(8, 4)) -> np.ndarray:
    """2s-AGCN pre_normalization of one [3, T, 25, M] sample, as src/reader/transformer.py pre_normalization
    does for each sample of the x-view configs (float32 storage like the official array):

    1. a person whose first frame is empty gets every non-empty frame moved to the front; trailing empty
       frames are filled by repeating the valid prefix;
    2. joint 1 (0-based; spine middle) of person 0 is subtracted from every present joint of every person;
    3. rotate so that the bone joint zaxis[0] -> zaxis[1] (0 -> 1, spine base -> spine middle) of person 0 in
       frame 0 points along +z: bone = s[zaxis[1]] - s[zaxis[0]] (official joint_top - joint_bottom);
    4. rotate so that s[xaxis[0]] - s[xaxis[1]] = s[8] - s[4] (official joint_rshoulder - joint_lshoulder,
       right shoulder minus left shoulder) of person 0 in frame 0 points along +x.
    """
    s = np.array(sample, dtype=np.float32).transpose(3, 1, 2, 0).copy()  # M, T, V, C
    if s.sum() == 0:
        return np.array(sample, dtype=np.float32)
    for person in s:
        if person.sum() == 0:
            continue
        if person[0].sum() == 0:  # empty first frame: move every non-empty frame to the front
            kept = person[person.sum(-1).sum(-1) != 0].copy()
            person *= 0
            person[:len(kept)] = kept
        for f in range(len(person)):
            if person[f].sum() == 0 and person[f:].sum() == 0:  # trailing empty frames: repeat the prefix
                rest = len(person) - f
                person[f:] = np.concatenate([person[:f]] * int(np.ceil(rest / f)), 0)[:rest]
                break
    center = s[0][:, 1:2, :].copy()
    for p in range(len(s)):
        if s[p].sum() != 0:
            mask = (s[p].sum(-1) != 0)[..., None]
            s[p] = (s[p] - center) * mask
    _align(s, s[0, 0, zaxis[1]] - s[0, 0, zaxis[0]], [0, 0, 1])
    _align(s, s[0, 0, xaxis[0]] - s[0, 0, xaxis[1]], [1, 0, 0])
    return np.ascontiguousarray(s.transpose(3, 1, 2, 0))


def _read_phase(samples: List[Tuple[str, int]], tmp_dir: str, transform: bool, log, progress: bool,
                desc: str) -> Dict[str, int]:
    """Read every sample of a phase into tmp_dir/{data.npy,label.pkl}, bad files skipped and counted; a phase
    whose every file is bad is an error."""
    from tqdm import tqdm
    os.makedirs(tmp_dir, exist_ok=True)
    buffer = np.lib.format.open_memmap(os.path.join(tmp_dir, 'buffer.npy'), mode='w+', dtype=np.float32,
                                       shape=(len(samples), 3, MAX_FRAME, NUM_JOINT, MAX_BODY))
    names, labels, lengths, skipped = [], [], [], 0
    for path, label in tqdm(samples, desc=desc, disable=not progress, mininterval=2):
        try:
            sample, length = read_sample(path, transform)
        except BadSkeletonFile as e:
            skipped += 1
            log(f'skip: {e}')
            continue
        buffer[len(names)] = sample
        names.append(os.path.basename(path)[:-len('.skeleton')])
        labels.append(label)
        lengths.append(length)
    if not names:
        raise UserError(f'every {desc} file was bad ({skipped} skipped, see the skip: lines above), nothing was '
                        'written: pass the folder(s) of complete NTU .skeleton files')
    final = np.lib.format.open_memmap(os.path.join(tmp_dir, 'data.npy'), mode='w+', dtype=np.float32,
                                      shape=(len(names),) + buffer.shape[1:])
    for i in range(0, len(names), 1024):  # chunk by chunk: the full set does not fit in memory
        final[i:i + 1024] = buffer[i:min(i + 1024, len(names))]
    final.flush()
    del final, buffer
    os.remove(os.path.join(tmp_dir, 'buffer.npy'))
    with open(os.path.join(tmp_dir, 'label.pkl'), 'wb') as f:
        pickle.dump((names, labels, lengths), f)
    return {'written': len(names), 'skipped': skipped}


def generate(raw_dirs: Sequence[str], out_root: str, benchmark: str, transform: bool = False,
             ignore_file: str = IGNORE_FILE, logger: Optional[logging.Logger] = None,
             progress: bool = True) -> Dict[str, Dict[str, int]]:
    """Write {out_root}/{original|transformed}/{benchmark}/{train,eval}_data.npy + _label.pkl.

    Returns per phase the number of samples written and skipped. Bad files are skipped and counted, never fatal;
    a missing folder or a phase left without any sample is a UserError.
    """
    log = logger.info if logger else print
    benchmark = BENCHMARK_ALIASES.get(benchmark, benchmark)
    for d in raw_dirs:
        if not os.path.isdir(d):
            raise UserError(f'raw skeleton folder {d} not found, pass the folder(s) holding the NTU .skeleton files '
                            '(tools/ntu_reader.py --raw_dirs, or dataset_args.raw_dirs of the config for main.py -gd)')
    ignored = load_ignore_list(ignore_file)
    out_dir = os.path.join(out_root, 'transformed' if transform else 'original', benchmark)
    plan = {phase: list_samples(raw_dirs, benchmark, phase, ignored) for phase in ('train', 'eval')}
    unnamed = plan['train'][1]
    if unnamed:
        log(f'skip: {len(unnamed)} .skeleton files whose names are not NTU names SsssCcccPpppRrrrAaaa '
            f'(e.g. {unnamed[0]})')
    for phase, (samples, _) in plan.items():
        if not samples:
            raise UserError(f'no {benchmark} {phase} sample in {", ".join(raw_dirs)} ({len(unnamed)} files with '
                            'other names), pass the folder(s) of the NTU .skeleton files')
    stats, tmp = {}, {phase: os.path.join(out_dir, f'{phase}.tmp-{os.getpid()}') for phase in plan}
    try:  # both phases read into temporary folders, then renamed into place: never one phase without the other
        for phase, (samples, _) in plan.items():
            stats[phase] = _read_phase(samples, tmp[phase], transform, log, progress, f'{benchmark} {phase}')
        for phase in plan:
            os.replace(os.path.join(tmp[phase], 'data.npy'), os.path.join(out_dir, f'{phase}_data.npy'))
            os.replace(os.path.join(tmp[phase], 'label.pkl'), os.path.join(out_dir, f'{phase}_label.pkl'))
            log(f'{benchmark} {phase}: {stats[phase]["written"]} samples written to {out_dir}, '
                f'{stats[phase]["skipped"]} bad files skipped')
    finally:
        for path in tmp.values():
            shutil.rmtree(path, ignore_errors=True)
        if os.path.isdir(out_dir) and not os.listdir(out_dir):
            os.rmdir(out_dir)
    return stats
