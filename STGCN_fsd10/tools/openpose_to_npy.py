"""Turn OpenPose BODY_25 JSON output (one file per frame) into the FSD-10 .npy layout.

    openpose --video clip.mp4 --write_json clip_json/ --model_pose BODY_25
    python tools/openpose_to_npy.py --json_dirs clip_json --out clip.npy --width 1920 --height 1080
    python predict.py --input_file clip.npy --save_vis clip.gif

One directory is one clip -> [3, T, 25, 1]; several directories -> [N, 3, T, 25, 1], zero-padded to the
longest clip (or to --frames). Per frame the person with the highest total confidence is kept (the
skater); a frame without a person stays zeros, as OpenPose writes missing joints. x, y are mapped from
pixels to -1..1 with the image centre at 0 (our reading of FSD-10's "rescaled to -1..1").
"""
import argparse
import glob
import json
import os
import sys
import warnings

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
warnings.filterwarnings("ignore", message="No ccache found")  # Paddle's import-time note (issue 17)

import numpy as np

from utils.common import UserError, run_main

NUM_JOINTS = 25


def read_clip(json_dir: str, width: float, height: float) -> np.ndarray:
    """[3, T, 25, 1] of one directory of per-frame OpenPose JSON files (sorted by name)."""
    files = sorted(glob.glob(os.path.join(json_dir, "*.json")))
    if not files:
        raise UserError(f"no *.json file in {json_dir}, run OpenPose with --write_json {json_dir}")
    clip = np.zeros((3, len(files), NUM_JOINTS, 1), dtype=np.float32)
    for t, path in enumerate(files):
        with open(path, encoding="utf-8") as f:
            people = json.load(f).get("people", [])
        poses = [np.asarray(p["pose_keypoints_2d"], dtype=np.float32) for p in people]
        if not poses:
            continue
        if any(len(p) != NUM_JOINTS * 3 for p in poses):
            raise UserError(f"{path} has {len(poses[0]) // 3} keypoints per person, expected 25 (BODY_25), "
                            "run OpenPose with --model_pose BODY_25")
        pose = max(poses, key=lambda p: p[2::3].sum()).reshape(NUM_JOINTS, 3)
        found = pose[:, 2] > 0  # OpenPose writes (0, 0, 0) for a joint it did not find
        clip[0, t, found, 0] = pose[found, 0] / width * 2 - 1
        clip[1, t, found, 0] = pose[found, 1] / height * 2 - 1
        clip[2, t, :, 0] = pose[:, 2]
    return clip


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--json_dirs", nargs="+", required=True, help="one directory of per-frame JSON files per clip")
    p.add_argument("--out", required=True, help="output .npy")
    p.add_argument("--width", type=float, required=True, help="video width in pixels")
    p.add_argument("--height", type=float, required=True, help="video height in pixels")
    p.add_argument("--frames", type=int, default=None, help="pad every clip to this T (default: longest clip)")
    args = p.parse_args(argv)
    clips = [read_clip(d, args.width, args.height) for d in args.json_dirs]
    frames = args.frames or max(c.shape[1] for c in clips)
    if any(c.shape[1] > frames for c in clips):
        raise UserError(f"a clip is longer than --frames {frames}, raise --frames or leave it out")
    data = np.zeros((len(clips), 3, frames, NUM_JOINTS, 1), dtype=np.float32)
    for i, clip in enumerate(clips):
        data[i, :, :clip.shape[1]] = clip
    np.save(args.out, data[0] if len(clips) == 1 else data)
    print(f"wrote {args.out}: {list(data[0].shape) if len(clips) == 1 else list(data.shape)}")


if __name__ == "__main__":
    run_main(main)
