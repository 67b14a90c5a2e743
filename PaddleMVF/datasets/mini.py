"""Deterministic mini UCF-101 in the real on-disk format, learnable in a few iterations.

Writes ``<root>/rawframes/<Class>/v_<Class>_gXX_cYY/img_00001.jpg ...`` plus UCF-101's own
``annotations/classInd.txt``, ``trainlist0{1,2,3}.txt`` and ``testlist0{1,2,3}.txt`` (split s tests
groups 2s-1 and 2s, as UCF-101 tests groups 7s-6..7s), so tools/build_file_list.py runs on it.
Each class is a bright square moving in its own direction over a background of its own colour and
stripe pattern: the classes differ in motion direction and colour pattern.

    python datasets/mini.py --root test_tipc/data/mini_ucf
"""
import argparse
import os

import cv2
import numpy as np

# (name, (dx, dy) pixels per frame, stripe colour RGB)
CLASSES = [("MoveRight", (3, 0), (200, 60, 60)), ("MoveLeft", (-3, 0), (60, 200, 60)),
           ("MoveDown", (0, 3), (60, 60, 200)), ("MoveUp", (0, -3), (200, 200, 60)),
           ("MoveDiagonal", (2, 2), (200, 60, 200)), ("StandStill", (0, 0), (60, 200, 200))]


def make_clip(cls: int, num_frames: int, rng: np.random.RandomState, height: int = 64,
              width: int = 80) -> np.ndarray:
    """(T, H, W, 3) uint8 RGB frames of class ``cls``."""
    _, (dx, dy), colour = CLASSES[cls]
    yy, xx = np.mgrid[:height, :width]
    # the class colour fills the frame (stripes modulate it by 25 %): a strong global cue
    stripes = (0.75 + 0.25 * ((xx + yy * (cls % 3)) // 8 % 2))[..., None] * np.array(colour, dtype=np.float32)
    x, y, side = rng.randint(10, width - 30), rng.randint(10, height - 30), 12
    frames = []
    for t in range(num_frames):
        img = stripes + rng.normal(0, 8, size=(height, width, 3))
        px, py = (x + dx * t) % (width - side), (y + dy * t) % (height - side)
        img[py:py + side, px:px + side] = 255
        frames.append(np.clip(img, 0, 255).astype(np.uint8))
    return np.stack(frames)


def write_frames(frames: np.ndarray, out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    for i, f in enumerate(frames, 1):
        cv2.imwrite(os.path.join(out_dir, f"img_{i:05d}.jpg"), cv2.cvtColor(f, cv2.COLOR_RGB2BGR))


def write_video(frames: np.ndarray, path: str, fps: int = 25) -> None:
    """Writes an MJPG .avi (what tools/build_rawframes.py reads)."""
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    h, w = frames.shape[1:3]
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*"MJPG"), fps, (w, h))
    for f in frames:
        writer.write(cv2.cvtColor(f, cv2.COLOR_RGB2BGR))
    writer.release()


def generate(root: str, num_classes: int = 4, groups: int = 6, clips: int = 2, min_frames: int = 20,
             max_frames: int = 28, seed: int = 0) -> None:
    rng = np.random.RandomState(seed)
    ann = os.path.join(root, "annotations")
    os.makedirs(ann, exist_ok=True)
    names = [c[0] for c in CLASSES[:num_classes]]
    with open(os.path.join(ann, "classInd.txt"), "w") as f:
        f.writelines(f"{i + 1} {n}\n" for i, n in enumerate(names))
    train = {s: [] for s in (1, 2, 3)}
    test = {s: [] for s in (1, 2, 3)}
    for c, name in enumerate(names):
        for g in range(1, groups + 1):
            for k in range(1, clips + 1):
                vid = f"v_{name}_g{g:02d}_c{k:02d}"
                write_frames(make_clip(c, rng.randint(min_frames, max_frames + 1), rng),
                             os.path.join(root, "rawframes", name, vid))
                for s in (1, 2, 3):
                    if (g + 1) // 2 == s:
                        test[s].append(f"{name}/{vid}.avi\n")
                    else:
                        train[s].append(f"{name}/{vid}.avi {c + 1}\n")
    for s in (1, 2, 3):
        with open(os.path.join(ann, f"trainlist0{s}.txt"), "w") as f:
            f.writelines(train[s])
        with open(os.path.join(ann, f"testlist0{s}.txt"), "w") as f:
            f.writelines(test[s])


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the PaddleMVF folder
    p.add_argument("--root", default=os.path.join(here, "test_tipc", "data", "mini_ucf"),
                   help="output folder (default: test_tipc/data/mini_ucf of this folder)")
    p.add_argument("--num_classes", type=int, default=4)
    p.add_argument("--groups", type=int, default=6)
    p.add_argument("--clips", type=int, default=2)
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    generate(a.root, a.num_classes, a.groups, a.clips, seed=a.seed)
    print(f"mini UCF-101 written to {a.root}")
