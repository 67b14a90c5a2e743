"""One input for inference: a rawframes folder (img_00001.jpg ...) or a video file (decoded with OpenCV)."""
import os
from typing import Callable

import cv2

from utils import UserError

from .rawframes import FILENAME_TMPL


def decode_video(path: str) -> list:
    """All frames of a video as RGB arrays."""
    cap = cv2.VideoCapture(path)
    frames = []
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB))
    cap.release()
    return frames


def load_input(path: str, pipeline: Callable[[dict], dict]) -> dict:
    """Run the test pipeline on a rawframes folder or a video file; returns the results dict."""
    results = dict(start_index=1, filename_tmpl=FILENAME_TMPL, label=-1)
    if os.path.isdir(path):
        total = len([n for n in os.listdir(path) if n.startswith("img_") and n.endswith(".jpg")])
        if total == 0:
            raise UserError(f"{path} holds no img_*.jpg frames, pass a rawframes folder or a video file")
        results.update(frame_dir=path, total_frames=total)
    elif os.path.isfile(path):
        frames = decode_video(path)
        if not frames:
            raise UserError(f"OpenCV could not decode any frame of {path}, pass a readable video or a rawframes folder")
        results.update(frame_dir=path, total_frames=len(frames), video_frames=frames)
    else:
        raise UserError(f"input {path} not found, pass a rawframes folder or a video file")
    return pipeline(results)
