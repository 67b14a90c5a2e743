"""A video -> one pose annotation pkl in the UCF-101 pose format (what predict.py, infer.py and tools/quantize.py
read), with an exported MoveNet (`MoveNet/export_model.py --with_decode True`, used as files only):

    python tools/video_to_pose.py --video v.mp4 --pose_model ../MoveNet/inference_decode [--out v.pkl]

OpenCV reads the frames; MoveNet runs on each, single person, with its crop-tracking recipe (datasets/
video_pose.py). The pkl is written only when the whole video went through (temporary name, then a rename).
"""
from __future__ import annotations

import os
import sys
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay
# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import time

import numpy as np

from utils import check_flag, run_main, str2bool


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--video", required=True, help="a video file OpenCV can read (.mp4, .avi, ...)")
    p.add_argument("--pose_model", required=True, help="MoveNet export directory (export_model.py --with_decode "
                                                       "True [--onnx True])")
    p.add_argument("--backend", choices=["auto", "paddle", "onnxruntime"], default="auto",
                   help="pose model runtime; auto: ONNX Runtime when model.onnx is there (faster for MoveNet)")
    p.add_argument("--out", default=None, help="default: the video's path with .pkl")
    p.add_argument("--cpu_threads", type=int, default=2)
    p.add_argument("--verbose", type=str2bool, default=False, help="show Paddle's / ONNX Runtime's own logs")
    return p.parse_args(argv)


def summary(ann: dict, seconds: float) -> str:
    score = ann["keypoint_score"][0].astype(np.float32)
    seen = int((score > 0).any(axis=1).sum())
    t = ann["total_frames"]
    return (f"{t} frames ({ann['img_shape'][1]}x{ann['img_shape'][0]}), a person in {seen}, mean joint score "
            f"{float(score.mean()):.3f}, {t / max(seconds, 1e-9):.1f} frames/s")


def main(argv=None):
    args = parse_args(argv)
    check_flag(args.cpu_threads, "--cpu_threads")
    if not args.verbose:
        os.environ.setdefault("GLOG_minloglevel", "3")
    from datasets.pose_dataset import validate_annotation
    from datasets.video_pose import PoseModel, default_out, open_video, video_to_annotation, write_annotation
    open_video(args.video).release()  # a bad video fails before the model loads
    model = PoseModel(args.pose_model, args.backend, args.cpu_threads, args.verbose)
    start = time.perf_counter()
    ann, _ = video_to_annotation(args.video, model)
    seconds = time.perf_counter() - start
    validate_annotation(ann, args.video, unlabelled_ok=True)
    out = default_out(args.video, args.out)
    write_annotation(out, ann)
    print(f"{args.video}: {summary(ann, seconds)} (pose model on {model.backend})")
    print(f"saved {out}")


if __name__ == "__main__":
    run_main(main)
