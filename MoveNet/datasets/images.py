"""Inference inputs (infer.py, predict.py): an image, a folder of images or a video -> named BGR frames, and the
network's preprocessing (resize to the square input, BGR -> RGB, CHW float32 0-255; the model normalises inside).

Inputs are checked before any model runs: a missing path, an empty folder, an undecodable image, a blank image
(every pixel equal: nothing to find), a video without a readable frame or a file that is neither an image nor a
video is a UserError naming the file."""
import glob
import os
from typing import Iterator, List, Tuple

import cv2
import numpy as np

from utils import UserError

IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp')
VIDEO_EXTS = ('.mp4', '.avi', '.mov', '.mkv')
FIX = '--input_file, pass an image, a folder of images or a video'


def preprocess(img_bgr: np.ndarray, img_size: int = 192) -> np.ndarray:
    """BGR image -> [3,S,S] float32 RGB 0-255 (the model normalises inside)."""
    img = cv2.resize(cv2.cvtColor(img_bgr, cv2.COLOR_BGR2RGB), (img_size, img_size), interpolation=cv2.INTER_LINEAR)
    return img.transpose(2, 0, 1).astype(np.float32)


def list_inputs(path: str) -> List[str]:
    """The files behind --input_file: one image/video, or the images of a folder (sorted)."""
    if os.path.isdir(path):
        files = sorted(f for f in glob.glob(os.path.join(path, '*')) if f.lower().endswith(IMAGE_EXTS))
        if not files:
            raise UserError(f'no images ({"/".join(IMAGE_EXTS)}) in folder {path}, {FIX}')
        return files
    if not os.path.isfile(path):
        raise UserError(f'{path} not found, {FIX}')
    if not path.lower().endswith(IMAGE_EXTS + VIDEO_EXTS):
        raise UserError(f'{path} is neither an image ({", ".join(IMAGE_EXTS)}) nor a video '
                        f'({", ".join(VIDEO_EXTS)}), {FIX}')
    return [path]


def read_image(path: str) -> np.ndarray:
    img = cv2.imread(path, cv2.IMREAD_COLOR) if os.path.getsize(path) > 0 else None
    if img is None:
        raise UserError(f'cannot decode image {path} (empty or corrupt file), {FIX}')
    if img.size and img.min() == img.max():
        raise UserError(f'image {path} is blank (every pixel is {int(img.min())}), {FIX} that shows a person')
    return img


def read_video(path: str) -> Iterator[Tuple[str, np.ndarray]]:
    cap = cv2.VideoCapture(path)
    i = 0
    try:
        while True:
            ok, frame = cap.read()
            if not ok:
                break
            yield f'{os.path.basename(path)}#{i}', frame
            i += 1
    finally:
        cap.release()
    if i == 0:
        raise UserError(f'video {path} has no readable frame (0 frames, or a codec OpenCV lacks), {FIX}')


def iter_frames(path: str) -> Iterator[Tuple[str, np.ndarray]]:
    """(name, BGR frame) for an image, every image of a folder, or every frame of a video. Names are file names
    (`<video>#<frame>` for video frames), so results compare across directories."""
    for f in list_inputs(path):
        if f.lower().endswith(VIDEO_EXTS):
            yield from read_video(f)
        else:
            yield os.path.basename(f), read_image(f)


def load_frames(path: str) -> List[Tuple[str, np.ndarray]]:
    """Every frame of iter_frames, read (and so checked) before any model runs."""
    return list(iter_frames(path))
