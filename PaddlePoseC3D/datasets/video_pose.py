"""From a video to one pose annotation in the UCF-101 pose pkl format, with an exported MoveNet (issue 15).

The only contract with the MoveNet folder is its export (`MoveNet/export_model.py --with_decode True`), used as
files, never imported: `model.json` (or `model.pdmodel`) + `model.pdiparams` for Paddle Inference, `model.onnx` for
ONNX Runtime, and its `config.yaml` for one key. One input `[N, 3, S, S]` float32 RGB 0-255 (S = 192, read from
the model), one output `[N, 17, 3]`: (x, y, score) per COCO-17 joint, -1 where the score is below the export's
threshold. The units of x, y are the export's `TEST.keypoint_units` in its config.yaml: "pixels" of the model
input (0..S, the MoveNet export's contract from phase 3 on) or "normalized" ([0, 1] of the input crop; also what an
export without the key means, the earlier contract). Both are mapped back to the frame through the crop box.

Single person, with MoveNet's cropping recipe (the TensorFlow Hub MoveNet tutorial, tensorflow.org/hub/tutorials/
movenet: init_crop_region, torso_visible, determine_crop_region; also tensorflow/examples lite/examples/
pose_estimation ml/movenet.py): the first frame is seen whole (a square box around it, padded with black), every
later frame through a square crop around the previous frame's person (centre between the hips, half-size the
largest of 1.9 x the torso's and 1.2 x the body's extent from that centre, joints with score >= 0.2 only), or the
whole frame again when the torso (a hip and a shoulder) was not found or the crop would exceed the frame.
Crops are resampled with cv2 (bilinear, half-pixel centres, as MoveNet/infer.py's cv2.resize) and the keypoints
mapped back with the tutorial's formula x_px = (x_min + (x_max - x_min) * x) * W.

Joints the model did not find (x = y = -1, score below threshold) are written as (0, 0) with score 0, the
"missing joint" of mmaction2's pipelines (PoseCompact ignores zero coordinates; GeneratePoseTarget skips score 0).
"""
from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from typing import Iterator, Optional

import numpy as np

from utils import UserError, show_progress

NUM_JOINTS = 17
MIN_CROP_KEYPOINT_SCORE = 0.2  # the tutorial's MIN_CROP_KEYPOINT_SCORE
TORSO_EXPANSION = 1.9
BODY_EXPANSION = 1.2
LEFT_HIP, RIGHT_HIP, LEFT_SHOULDER, RIGHT_SHOULDER = 11, 12, 5, 6
TORSO = (LEFT_SHOULDER, RIGHT_SHOULDER, LEFT_HIP, RIGHT_HIP)
POSE_FIX = ("export one with `cd MoveNet && python export_model.py --with_decode True --onnx True --save_dir <dir>` "
            "and pass that directory")


# ---------------------------------------------------------------------------------------------------- the video
def open_video(path: str):
    """A cv2.VideoCapture that has at least one readable frame, else a UserError (missing file, not a video)."""
    import cv2
    if not os.path.isfile(path):
        raise UserError(f"video not found, --video {path}, pass an existing video file (.mp4, .avi, ...)")
    cap = cv2.VideoCapture(path)
    if not cap.isOpened():
        cap.release()
        raise UserError(f"not a readable video (OpenCV cannot open it), --video {path}, pass a video file "
                        "(.mp4, .avi, ...)")
    return cap


def read_frames(path: str) -> Iterator[np.ndarray]:
    """The BGR frames of a video, one at a time; a video without a readable frame is a UserError."""
    cap = open_video(path)
    count = 0
    try:
        while True:
            ok, frame = cap.read()
            if not ok or frame is None:
                break
            count += 1
            yield frame
    finally:
        cap.release()
    if count == 0:
        raise UserError(f"the video has no readable frame (empty, or a codec OpenCV lacks), --video {path}, "
                        "re-encode it (e.g. ffmpeg -i in.avi -c:v libx264 out.mp4) or pass another video")


def video_info(path: str) -> tuple:
    """(frame count as the container states it (0 when unknown), fps (0 when unknown))."""
    import cv2
    cap = open_video(path)
    try:
        return max(int(cap.get(cv2.CAP_PROP_FRAME_COUNT)), 0), float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
    finally:
        cap.release()


# ---------------------------------------------------------------------------------------------- the pose model
KEYPOINT_UNITS = ("pixels", "normalized")


def keypoint_units(model_dir: str) -> str:
    """TEST.keypoint_units of the export's config.yaml: "pixels" or "normalized" (absent key or file: normalized)."""
    import yaml
    path = os.path.join(model_dir, "config.yaml")
    if not os.path.isfile(path):
        return "normalized"
    try:
        with open(path, encoding="utf-8") as f:
            cfg = yaml.safe_load(f) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise UserError(f"cannot read the pose model's config ({type(exc).__name__}), {path}, {POSE_FIX}") from None
    test = cfg.get("TEST", cfg.get("test")) if isinstance(cfg, dict) else None
    units = test.get("keypoint_units", "normalized") if isinstance(test, dict) else "normalized"
    if units not in KEYPOINT_UNITS:
        raise UserError(f"TEST.keypoint_units {units!r} is not one of {', '.join(KEYPOINT_UNITS)}, {path}, {POSE_FIX}")
    return units


def config_input_shape(model_dir: str) -> list:
    """[-1, 3, S, S] from the export's config.yaml (MoveNet: DATA.img_size), [] when it does not say."""
    import yaml
    path = os.path.join(model_dir, "config.yaml")
    try:
        with open(path, encoding="utf-8") as f:
            cfg = yaml.safe_load(f) or {}
        size = (cfg.get("DATA") or {}).get("img_size")
    except (OSError, yaml.YAMLError, AttributeError):
        return []
    return [-1, 3, int(size), int(size)] if isinstance(size, int) else []


class PoseModel:
    """An exported MoveNet with decode: crops [N, 3, S, S] (RGB 0-255) -> [N, 17, 3] (x, y in [0, 1] of the crop,
    score; -1 = not found), whatever units the export writes (keypoint_units)."""

    def __init__(self, model_dir: str, backend: str = "auto", threads: int = 2, verbose: bool = False) -> None:
        self.model_dir = model_dir
        if not os.path.isdir(model_dir):
            raise UserError(f"pose model directory not found, --pose_model {model_dir}, {POSE_FIX}")
        files = set(os.listdir(model_dir))
        paddle_model = next((n for n in ("model.json", "model.pdmodel") if n in files), None)
        has_paddle = paddle_model is not None and "model.pdiparams" in files
        has_onnx = "model.onnx" in files
        if backend == "auto":
            from utils.inference import has_onnxruntime
            # MoveNet's bench: ONNX Runtime 2.8 ms vs Paddle Inference + oneDNN 8.9 ms a frame (1 thread)
            backend = "onnxruntime" if has_onnx and has_onnxruntime() else "paddle"
        if backend == "paddle" and not has_paddle:
            raise UserError(f"{model_dir} has no model.json/model.pdmodel + model.pdiparams (a MoveNet export), "
                            f"--pose_model, {POSE_FIX}")
        if backend == "onnxruntime" and not has_onnx:
            raise UserError(f"{model_dir} has no model.onnx, --pose_model, {POSE_FIX} (or pass the paddle backend)")
        self.backend = backend
        if backend == "onnxruntime":
            import onnxruntime as ort
            opts = ort.SessionOptions()
            opts.intra_op_num_threads, opts.inter_op_num_threads = threads, 1
            opts.log_severity_level = 0 if verbose else 3
            self._sess = ort.InferenceSession(os.path.join(model_dir, "model.onnx"), opts,
                                              providers=["CPUExecutionProvider"])
            inp = self._sess.get_inputs()[0]
            self._name, shape = inp.name, list(inp.shape)
        else:
            from utils.inference import Options, create_paddle_predictor, exported_input_shape
            opts = Options(backend="paddle", cpu_threads=threads, verbose=verbose)
            self._run, _ = create_paddle_predictor(opts, os.path.join(model_dir, paddle_model),
                                                   os.path.join(model_dir, "model.pdiparams"))
            shape = exported_input_shape(os.path.join(model_dir, paddle_model)) or config_input_shape(model_dir)
        if len(shape) != 4 or shape[1] != 3 or not isinstance(shape[2], int) or shape[2] != shape[3]:
            raise UserError(f"the model in {model_dir} takes {shape}, not [N, 3, S, S] frames, --pose_model, "
                            f"{POSE_FIX}")
        self.size = int(shape[2])
        self.units = keypoint_units(model_dir)
        self._checked = False

    def __call__(self, crops: np.ndarray) -> np.ndarray:
        if self.backend == "onnxruntime":
            out = self._sess.run(None, {self._name: crops})[0]
        else:
            out = self._run(crops)
        if not self._checked:  # the first output tells a network-only export from a --with_decode one
            if out.ndim != 3 or out.shape[1:] != (NUM_JOINTS, 3):
                raise UserError(f"the model in {self.model_dir} returns {list(out.shape)}, not [N, 17, 3] keypoints "
                                f"(a network-only export?), --pose_model, {POSE_FIX}")
            self._checked = True
        if not np.isfinite(out).all():
            raise UserError(f"the pose model gives NaN/inf keypoints, --pose_model {self.model_dir}, its weights are "
                            "broken: export a checkpoint from a training that ended normally")
        if self.units == "pixels":  # 0..S of the model input -> [0, 1] of the crop; -1 (not found) stays
            out = out.astype(np.float32, copy=True)
            found = (out[..., 0] >= 0) & (out[..., 1] >= 0)
            out[..., :2] = np.where(found[..., None], out[..., :2] / self.size, -1.0)
        return out


# ------------------------------------------------------------------------------------------ MoveNet's cropping
@dataclass
class Crop:
    """A box in normalised frame coordinates (may reach outside [0, 1]: padded with black)."""
    y_min: float
    x_min: float
    y_max: float
    x_max: float


def init_crop_region(h: int, w: int) -> Crop:
    """The whole frame in a square box centred on it (tutorial init_crop_region)."""
    if w > h:
        box_h = w / h
        y_min = (h / 2 - w / 2) / h
        return Crop(y_min, 0.0, y_min + box_h, 1.0)
    box_w = h / w
    x_min = (w / 2 - h / 2) / w
    return Crop(0.0, x_min, 1.0, x_min + box_w)


def torso_visible(kps: np.ndarray) -> bool:
    """A hip and a shoulder above MIN_CROP_KEYPOINT_SCORE (tutorial torso_visible)."""
    s = kps[:, 2]
    return bool((s[LEFT_HIP] > MIN_CROP_KEYPOINT_SCORE or s[RIGHT_HIP] > MIN_CROP_KEYPOINT_SCORE)
                and (s[LEFT_SHOULDER] > MIN_CROP_KEYPOINT_SCORE or s[RIGHT_SHOULDER] > MIN_CROP_KEYPOINT_SCORE))


def determine_crop_region(kps: np.ndarray, h: int, w: int) -> Crop:
    """The next frame's crop from this frame's keypoints in pixels [17, 3] (tutorial determine_crop_region)."""
    if not torso_visible(kps):
        return init_crop_region(h, w)
    cx = (kps[LEFT_HIP, 0] + kps[RIGHT_HIP, 0]) / 2
    cy = (kps[LEFT_HIP, 1] + kps[RIGHT_HIP, 1]) / 2
    torso = np.abs(kps[list(TORSO), :2] - [cx, cy])
    body = np.abs(kps[kps[:, 2] >= MIN_CROP_KEYPOINT_SCORE, :2] - [cx, cy])
    half = max(torso[:, 0].max() * TORSO_EXPANSION, torso[:, 1].max() * TORSO_EXPANSION,
               body[:, 1].max(initial=0) * BODY_EXPANSION, body[:, 0].max(initial=0) * BODY_EXPANSION)
    half = min(half, max(cx, w - cx, cy, h - cy))
    if half > max(w, h) / 2 or half <= 0:
        return init_crop_region(h, w)
    return Crop((cy - half) / h, (cx - half) / w, (cy + half) / h, (cx + half) / w)


def crop_and_resize(frame_bgr: np.ndarray, crop: Crop, size: int) -> np.ndarray:
    """The crop resampled to size x size, RGB float32 CHW 0-255 (outside the frame: black)."""
    import cv2
    h, w = frame_bgr.shape[:2]
    ax, ay = (crop.x_max - crop.x_min) * w / size, (crop.y_max - crop.y_min) * h / size
    # output pixel j (centre j + 0.5) <- frame coordinate (x_min * W + ax * (j + 0.5)), pixel index minus 0.5
    m = np.array([[ax, 0, crop.x_min * w + 0.5 * ax - 0.5], [0, ay, crop.y_min * h + 0.5 * ay - 0.5]], np.float64)
    out = cv2.warpAffine(frame_bgr, m, (size, size), flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                         borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))
    return cv2.cvtColor(out, cv2.COLOR_BGR2RGB).transpose(2, 0, 1).astype(np.float32)


def to_frame_pixels(out: np.ndarray, crop: Crop, h: int, w: int) -> np.ndarray:
    """[17, 3] model output (normalised to the crop, -1 = not found) -> [17, 3] frame pixels, score; joints not
    found: (0, 0, 0)."""
    kps = np.zeros((NUM_JOINTS, 3), np.float64)
    found = (out[:, 0] >= 0) & (out[:, 1] >= 0)
    kps[:, 0] = (crop.x_min + (crop.x_max - crop.x_min) * out[:, 0]) * w
    kps[:, 1] = (crop.y_min + (crop.y_max - crop.y_min) * out[:, 1]) * h
    kps[:, 2] = out[:, 2]
    kps[~found] = 0.0
    return kps


# --------------------------------------------------------------------------------------------- the annotation
def track_video(path: str, model: PoseModel, progress: bool = True) -> tuple:
    """(keypoints [T, 17, 3] in frame pixels with scores, crops [T] (each frame's model input box), (h, w))."""
    from tqdm import tqdm
    total, _ = video_info(path)
    kps_all, crops = [], []
    crop, shape = None, None
    bar = tqdm(total=total or None, desc="pose", unit="frame", leave=False,
               disable=not progress or (0 < total < 100) or not show_progress())
    try:
        for frame in read_frames(path):
            h, w = frame.shape[:2]
            if crop is None:
                shape, crop = (h, w), init_crop_region(h, w)
            out = model(crop_and_resize(frame, crop, model.size)[None])[0]
            kps = to_frame_pixels(out, crop, h, w)
            kps_all.append(kps)
            crops.append(crop)
            crop = determine_crop_region(kps, h, w)
            bar.update(1)
    finally:
        bar.close()
    return np.stack(kps_all), crops, shape


def make_annotation(name: str, kps: np.ndarray, shape: tuple) -> dict:
    """One annotation dict as in ucf101.pkl (mmaction2 0.x): keypoint float16 [1, T, 17, 2], keypoint_score
    float16 [1, T, 17], img_shape / original_shape (h, w), total_frames, frame_dir, label -1 (unknown)."""
    h, w = int(shape[0]), int(shape[1])
    return {"frame_dir": name, "label": -1, "img_shape": (h, w), "original_shape": (h, w),
            "total_frames": int(len(kps)), "keypoint": kps[None, :, :, :2].astype(np.float16),
            "keypoint_score": kps[None, :, :, 2].astype(np.float16)}


def video_to_annotation(path: str, model: PoseModel, progress: bool = True) -> tuple:
    """(annotation dict, crops): the whole video through the pose model."""
    kps, crops, shape = track_video(path, model, progress)
    name = os.path.splitext(os.path.basename(path))[0]
    return make_annotation(name, kps, shape), crops


def write_annotation(path: str, ann: dict) -> None:
    """The pkl, written to a temporary name and renamed (never half written)."""
    from utils.atomic_io import write_file_atomic
    write_file_atomic(path, pickle.dumps(ann, protocol=4))


def default_out(video: str, out: Optional[str]) -> str:
    return out or os.path.splitext(video)[0] + ".pkl"
