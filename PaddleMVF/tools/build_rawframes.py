"""UCF-101 videos -> rawframes: ``<src_dir>/<Class>/v_*.avi`` -> ``<out_dir>/<Class>/v_*/img_00001.jpg ...``.

OpenCV decoding, a process pool, a tqdm bar, and resumable: a video whose folder holds the
``.done`` marker is skipped, so an interrupted run continues where it stopped.

    python tools/build_rawframes.py --src_dir data/ucf101/videos --out_dir data/ucf101/rawframes --num_workers 8
"""
import argparse
import glob
import os
import shutil
import sys
from multiprocessing import Pool

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import cv2
from tqdm import tqdm

from utils import UserError, run_main, str2bool

DONE = ".done"


def extract(job: tuple) -> tuple:
    """(video, out_dir, short_side) -> (video, frames written or -1 when unreadable)."""
    video, out_dir, short_side = job
    tmp = out_dir + ".part"
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(tmp)
    cap = cv2.VideoCapture(video)
    n = 0
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        if short_side:
            h, w = frame.shape[:2]
            s = short_side / min(h, w)
            frame = cv2.resize(frame, (int(w * s + 0.5), int(h * s + 0.5)), interpolation=cv2.INTER_LINEAR)
        n += 1
        cv2.imwrite(os.path.join(tmp, f"img_{n:05d}.jpg"), frame)
    cap.release()
    if n == 0:
        shutil.rmtree(tmp, ignore_errors=True)
        return video, -1
    open(os.path.join(tmp, DONE), "w").close()
    shutil.rmtree(out_dir, ignore_errors=True)
    os.replace(tmp, out_dir)  # a folder appears only once complete
    return video, n


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--src_dir", required=True, help="UCF-101 videos: <src_dir>/<Class>/v_*.avi")
    p.add_argument("--out_dir", required=True)
    p.add_argument("--ext", default="avi")
    p.add_argument("--num_workers", type=int, default=4)
    p.add_argument("--short_side", type=int, default=0, help="resize so the short side is this (0 = keep)")
    p.add_argument("--resume", type=str2bool, default=True, help="skip videos already extracted")
    args = p.parse_args(argv)
    videos = sorted(glob.glob(os.path.join(args.src_dir, "*", f"*.{args.ext}")))
    if not videos:
        raise UserError(f"no *.{args.ext} under {args.src_dir}/<Class>/, pass the folder UCF101.rar unpacks to")
    jobs = []
    for v in videos:
        out = os.path.join(args.out_dir, os.path.basename(os.path.dirname(v)), os.path.splitext(os.path.basename(v))[0])
        if not (args.resume and os.path.isfile(os.path.join(out, DONE))):
            jobs.append((v, out, args.short_side))
    print(f"{len(videos)} videos, {len(videos) - len(jobs)} already extracted, {len(jobs)} to do")
    failed = []
    with Pool(max(1, args.num_workers)) as pool:
        for video, n in tqdm(pool.imap_unordered(extract, jobs), total=len(jobs), desc="extract"):
            if n < 0:
                failed.append(video)
    for v in failed:
        print(f"warning: OpenCV could not decode {v}, skipped", file=sys.stderr)
    print(f"done: {len(jobs) - len(failed)} extracted, {len(failed)} failed")


if __name__ == "__main__":
    run_main(main)
