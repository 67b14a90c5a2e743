"""Seeded inputs of every step, written to OUT/data/:

- step 0: raw NTU `.skeleton` text files in the real format (a 300-frame sample, a body entering and leaving
  mid-clip, three bodies of which two are kept, a body missing in the first frames and in a mid-clip gap, a yawed
  camera, and one name from the official ignore list);
- steps 1-5: a fake J/V/B batch, labels, a random torch_ref EfficientGCN-B0 saved like an official checkpoint
  ({'model': state_dict, ...}) and converted by the folder's own tools/convert_weights.py; scores for step 2.
"""
import os

import numpy as np
import torch

import common as C
from torch_ref.graph import CONNECT_JOINT
from torch_ref.nets import EfficientGCN

# bodyID clipedEdges handLeftConfidence handLeftState handRightConfidence handRightState isRestricted leanX leanY
# trackingState
BODY_LINE = '72057594037931{:03d} 0 1 1 1 1 0 0.01 -0.25 2'


def base_pose(rng: np.random.RandomState) -> np.ndarray:
    """A random 25-joint body: every joint a 10-25 cm bone away from its parent (CONNECT_JOINT), root at 3 m."""
    pose = np.zeros((25, 3))
    pose[1] = [rng.uniform(-0.3, 0.3), rng.uniform(-0.1, 0.1), 3.0 + rng.uniform(-0.3, 0.3)]
    done = {1}
    while len(done) < 25:
        for j in range(25):
            if j not in done and CONNECT_JOINT[j] in done:
                d = rng.normal(0, 1, 3)
                pose[j] = pose[CONNECT_JOINT[j]] + d / np.linalg.norm(d) * rng.uniform(0.1, 0.25)
                done.add(j)
    return pose


def body_track(rng, num_frame: int, amp: float, yaw: float) -> np.ndarray:
    """[num_frame, 25, 3]: the base pose turned by yaw around the vertical axis, every joint on its own sine."""
    pose = base_pose(rng)
    c, s = np.cos(yaw), np.sin(yaw)
    pose = (pose - pose[1]) @ np.array([[c, 0, s], [0, 1, 0], [-s, 0, c]]).T + pose[1]
    t = np.arange(num_frame)[:, None, None]
    wave = np.sin(2 * np.pi * t / rng.uniform(20, 60) + rng.uniform(0, 2 * np.pi, (1, 25, 1)))
    return pose + amp * wave * rng.normal(0, 1, (1, 25, 3)) + rng.normal(0, 0.005, (num_frame, 25, 3))


def skeleton_text(num_frame: int, bodies) -> str:
    """bodies: list of (track [num_frame, 25, 3], present [num_frame] bool) -> .skeleton text (body order per
    frame = list order among the present ones)."""
    lines = [str(num_frame)]
    for t in range(num_frame):
        here = [(k, track[t]) for k, (track, present) in enumerate(bodies) if present[t]]
        lines.append(str(len(here)))
        for k, joints in here:
            lines += [BODY_LINE.format(k), '25']
            for x, y, z in joints:
                u, v = 256 + 300 * x / z, 212 - 300 * y / z
                lines.append(f'{x:.7f} {y:.7f} {z:.7f} {u:.5f} {v:.5f} {3.75 * u:.3f} {2.55 * v:.3f} '
                             '0.1 0.2 0.3 0.9 2')
    return '\n'.join(lines) + '\n'


def write_raw(rng) -> None:
    os.makedirs(C.RAW_NTU, exist_ok=True)

    def present(n, start=0, end=None, gaps=()):
        mask = np.zeros(n, bool)
        mask[start:end if end is not None else n] = True
        for a, b in gaps:
            mask[a:b] = False
        return mask

    specs = {  # name: (frames, [(amp, yaw, start, end, gaps)])
        'S001C001P001R001A001': (300, [(0.10, 0.0, 0, None, ())]),                        # x-sub train, x-view eval
        'S001C002P002R001A002': (200, [(0.08, 0.5, 0, None, ()), (0.12, 0.4, 40, 150, ())]),   # enters, leaves
        'S001C003P003R001A003': (120, [(0.10, -0.6, 0, None, ()), (0.001, 0.1, 0, None, ()),
                                       (0.20, -0.3, 0, None, ())]),                       # 3 bodies, top-2 kept
        'S002C001P004R002A004': (90, [(0.10, 0.3, 10, None, ((40, 45),))]),                # empty first frames, gap
        'S002C002P003R001A005': (250, [(0.06, 0.9, 0, None, ()), (0.09, 0.7, 0, 230, ())]),    # yawed, 2 people
        'S001C002P005R002A008': (60, [(0.10, 0.0, 0, None, ())]),                          # official ignore list
    }
    for name, (n, bodies) in specs.items():
        tracks = [(body_track(rng, n, amp, yaw), present(n, a, b, g)) for amp, yaw, a, b, g in bodies]
        with open(os.path.join(C.RAW_NTU, name + '.skeleton'), 'w') as f:
            f.write(skeleton_text(n, tracks))


def write_model_and_batch(rng) -> None:
    np.save(C.FAKE_DATA, rng.randn(C.BATCH, 3, 6, C.NUM_FRAME, 25, 2).astype(np.float32))
    np.save(C.FAKE_LABEL, rng.randint(0, C.NUM_CLASS, C.BATCH).astype(np.int64))
    labels = rng.randint(0, C.NUM_CLASS, 200).astype(np.int64)
    scores = rng.randn(200, C.NUM_CLASS).astype(np.float32)
    boost = rng.rand(200) < 0.5  # about half right at top-1
    scores[boost, labels[boost]] += 3.0
    np.save(C.FAKE_SCORES, scores)
    np.save(C.FAKE_SCORE_LABELS, labels)
    torch.manual_seed(0)
    model = EfficientGCN(C.NUM_CLASS, 'EfficientGCN-B0')
    with torch.no_grad():  # every tensor off its init value, so that a wrong mapping cannot pass
        for name, t in model.state_dict().items():
            if name.endswith('running_var'):
                t.uniform_(0.5, 1.5)
            elif name.endswith(('running_mean', '.edge', 'bn.bias', '.1.bias', '.1.weight', 'bn.weight')):
                t.add_(torch.randn_like(t) * 0.1)
        model.classifier.fc.weight.normal_(0, 0.1)
    torch.save({'model': model.state_dict(), 'optimizer': {}, 'epoch': 0}, C.TORCH_WEIGHTS)
    from tools.convert_weights import main as convert  # the converter users run on official checkpoints
    convert(['--src', C.TORCH_WEIGHTS, '--dst', C.PADDLE_WEIGHTS])


if __name__ == '__main__':
    os.makedirs(C.DATA, exist_ok=True)
    write_raw(np.random.RandomState(0))
    write_model_and_batch(np.random.RandomState(1))
