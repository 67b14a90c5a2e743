"""Predict the action of the videos in a pose pkl (one annotation dict like v_xxx.pkl, a list, or a whole
{'split', 'annotations'} file), or of a video through an exported MoveNet (--video, --pose_model: the pose of each
frame by tools/video_to_pose.py's code, then PoseC3D); prints id, class name, score and top-5 per video. The
action model is a dygraph checkpoint (--pretrained) or an export directory (--model_dir: Paddle Inference with
oneDNN or ONNX Runtime, infer.py's fast path). The config is the config.yaml beside --pretrained (in --model_dir)
unless --config overrides it.
python predict.py --input_file v_xxx.pkl --pretrained output/best_model/model.pdparams [--save_vis True]
python predict.py --video v.mp4 --pose_model ../MoveNet/inference_decode --model_dir output/inference --save_vis True
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay

import os

os.environ.setdefault("GLOG_minloglevel", "3")  # before paddle: no Paddle Inference pass names (--video/--model_dir)

import argparse
import time

import numpy as np
import paddle

from datasets.pose_dataset import load_videos, video_views
from datasets.transforms import build_pipeline
from models import build_model
from models.recognizer3d import average_views
from utils import UserError, check_flag, in_root, run_main, set_device, str2bool
from utils.checkpoint import load_pretrained
from utils.config import class_names, load_config, resolve_config
from utils.inference import BACKENDS
from utils.predictions import prediction, print_prediction


def _savefig(fig, path: str) -> None:
    """A png written to a temporary name, then renamed (never a half-written picture)."""
    import matplotlib.pyplot as plt
    tmp = f"{path}.tmp-{os.getpid()}"
    fig.savefig(tmp, dpi=100, bbox_inches="tight", format="png")
    plt.close(fig)
    os.replace(tmp, path)


def save_visualisation(ann: dict, views: np.ndarray, title: str, skeleton, out_dir: str) -> list:
    """<frame_dir>_skeleton.png: the skeletons of 8 frames on the image; <frame_dir>_heatmaps.png: a montage
    of the first view's heatmap volume (max over the 17 joints, one tile per frame)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    os.makedirs(out_dir, exist_ok=True)
    name = ann["frame_dir"]
    kp, score_kp = ann["keypoint"].astype(np.float32), ann["keypoint_score"].astype(np.float32)
    h, w = ann["img_shape"]
    frames = np.linspace(0, ann["total_frames"] - 1, min(8, ann["total_frames"])).astype(int)
    fig, axes = plt.subplots(1, len(frames), figsize=(2.2 * len(frames), 2.2 * h / w), squeeze=False)
    for ax, t in zip(axes[0], frames):
        ax.set_xlim(0, w)
        ax.set_ylim(h, 0)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(f"frame {t}", fontsize=8)
        for m in range(kp.shape[0]):  # the project's palette: left blue, right orange, centre green
            for a, b in skeleton:
                if score_kp[m, t, a] > 0 and score_kp[m, t, b] > 0:
                    ax.plot(kp[m, t, [a, b], 0], kp[m, t, [a, b], 1], "-", color=PALETTE_HEX[limb_side(a, b)], lw=1.2)
            sure, weak = score_kp[m, t] >= 0.2, (score_kp[m, t] > 0) & (score_kp[m, t] < 0.2)
            ax.scatter(kp[m, t, sure, 0], kp[m, t, sure, 1], s=9, c="white", edgecolors="#333333", linewidths=0.6,
                       zorder=3)
            ax.scatter(kp[m, t, weak, 0], kp[m, t, weak, 1], s=9, facecolors="none", edgecolors="#333333",
                       linewidths=0.6, zorder=3)
    fig.suptitle(f"{name}: {title}", fontsize=9, y=1.08)
    skel = os.path.join(out_dir, f"{name}_skeleton.png")
    _savefig(fig, skel)
    vol = views[0].max(axis=0)  # [T, H, W]
    cols = min(8, len(vol))
    rows = -(-len(vol) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(1.2 * cols, 1.2 * rows), squeeze=False)
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < len(vol):
            ax.imshow(vol[i], cmap="jet", vmin=0, vmax=1)
    heat = os.path.join(out_dir, f"{name}_heatmaps.png")
    _savefig(fig, heat)
    return [skel, heat]


LEFT_JOINTS, RIGHT_JOINTS = set(range(1, 17, 2)), set(range(2, 17, 2))  # COCO-17: odd left, even right, 0 nose
PALETTE_HEX = {"left": "#1F77B4", "right": "#FF7F0E", "centre": "#2CA02C"}
PALETTE_BGR = {"left": (180, 119, 31), "right": (14, 127, 255), "centre": (44, 160, 44)}  # #1F77B4 #FF7F0E #2CA02C


def limb_side(a: int, b: int) -> str:
    if a in LEFT_JOINTS and b in LEFT_JOINTS:
        return "left"
    if a in RIGHT_JOINTS and b in RIGHT_JOINTS:
        return "right"
    return "centre"


def draw_frame(frame, kps: np.ndarray, crop, caption: str, skeleton, thr: float = 0.2):
    """One BGR frame with the person (limbs in the left/right/centre palette, joints white with a dark outline,
    hollow under `thr`), the pose model's input crop (thin grey box) and the caption; sizes scale with the frame."""
    import cv2
    h, w = frame.shape[:2]
    unit = max(1, round(min(h, w) / 240))
    img = frame.copy()
    if crop is not None:
        x0, y0 = int(round(crop.x_min * w)), int(round(crop.y_min * h))
        x1, y1 = int(round(crop.x_max * w)), int(round(crop.y_max * h))
        cv2.rectangle(img, (x0, y0), (x1, y1), (160, 160, 160), unit, cv2.LINE_AA)
    for a, b in skeleton:
        if kps[a, 2] > 0 and kps[b, 2] > 0:
            pa, pb = tuple(int(v) for v in kps[a, :2].round()), tuple(int(v) for v in kps[b, :2].round())
            cv2.line(img, pa, pb, PALETTE_BGR[limb_side(a, b)], 2 * unit, cv2.LINE_AA)
    for j in range(len(kps)):
        if kps[j, 2] <= 0:
            continue
        p = tuple(int(v) for v in kps[j, :2].round())
        if kps[j, 2] >= thr:
            cv2.circle(img, p, 2 * unit + 1, (255, 255, 255), -1, cv2.LINE_AA)
        cv2.circle(img, p, 2 * unit + 1, (40, 40, 40), max(1, unit // 2 + 1) if kps[j, 2] >= thr else unit,
                   cv2.LINE_AA)
    scale = 0.45 * unit
    (tw, th), base = cv2.getTextSize(caption, cv2.FONT_HERSHEY_SIMPLEX, scale, unit)
    cv2.rectangle(img, (0, 0), (min(w, tw + 8 * unit), th + base + 6 * unit), (0, 0, 0), -1)
    cv2.putText(img, caption, (4 * unit, th + 3 * unit), cv2.FONT_HERSHEY_SIMPLEX, scale, (255, 255, 255), unit,
                cv2.LINE_AA)
    return img


def save_video_visualisation(video: str, ann: dict, crops: list, caption: str, skeleton, out_dir: str) -> str:
    """<out_dir>/<name>_vis.mp4: every frame of the video with its skeleton, crop box and the top-1 caption (a
    temporary file, then renamed)."""
    import cv2

    from datasets.video_pose import read_frames, video_info
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, f"{ann['frame_dir']}_vis.mp4")
    tmp = os.path.join(out_dir, f".{ann['frame_dir']}_vis.tmp-{os.getpid()}.mp4")
    fps = video_info(video)[1] or 25.0
    h, w = ann["img_shape"]
    kps = np.concatenate([ann["keypoint"][0], ann["keypoint_score"][0][..., None]], -1).astype(np.float32)
    writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*"mp4v"), fps, (int(w), int(h)))
    try:
        for t, frame in enumerate(read_frames(video)):
            if t >= len(kps):
                break
            writer.write(draw_frame(frame, kps[t], crops[t] if t < len(crops) else None, caption, skeleton))
    finally:
        writer.release()
    if not os.path.isfile(tmp) or os.path.getsize(tmp) == 0:
        raise UserError(f"OpenCV could not write an mp4 (no mp4v encoder), --save_dir {out_dir}, "
                        "install opencv-python (not -headless builds without video I/O) or pass --save_vis False")
    os.replace(tmp, path)
    return path


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=None, help="default: config.yaml beside --pretrained")
    p.add_argument("--input_file", default=in_root("test_tipc", "data", "predict_example.pkl"))
    p.add_argument("--pretrained", default=in_root("output", "best_model", "model.pdparams"))
    p.add_argument("--model_dir", default=None, help="an export directory instead of --pretrained (fast path)")
    p.add_argument("--backend", choices=BACKENDS, default="auto", help="--model_dir: as infer.py")
    p.add_argument("--video", default=None, help="a video (.mp4, .avi, ...) instead of --input_file")
    p.add_argument("--pose_model", default=None, help="--video: a MoveNet export (export_model.py --with_decode True)")
    p.add_argument("--pose_backend", choices=BACKENDS, default="auto",
                   help="--video: the pose model's runtime (auto: ONNX Runtime when model.onnx is there)")
    p.add_argument("--cpu_threads", type=int, default=2, help="--video / --model_dir: CPU threads")
    p.add_argument("--device", choices=["cpu", "gpu"], default=None)
    p.add_argument("--save_vis", type=str2bool, default=False,
                   help="pkl: skeleton + heatmap pictures; --video: <name>_vis.mp4 with the skeleton on each frame")
    p.add_argument("--save_dir", default=in_root("output", "vis"))
    return p.parse_args(argv)


def action_scorer(args, cfg: dict):
    """views [V, C, T, H, W] -> the video's averaged probabilities: the dygraph checkpoint, or the export."""
    if args.model_dir:
        from utils.inference import Options, create_predictor
        predictor = create_predictor(Options(backend=args.backend, cpu_threads=args.cpu_threads), None, None,
                                     args.model_dir)
        print(f"Inference model({predictor.model}) with {predictor.description}...")
        return lambda views: predictor.run(views).mean(axis=0)
    set_device(args.device)
    model = build_model(cfg["model"])
    for note in load_pretrained(model, args.pretrained):
        print(note)
    model.eval()

    def score(views: np.ndarray) -> np.ndarray:
        with paddle.no_grad():
            return average_views(model(paddle.to_tensor(views)), views.shape[0]).numpy()[0]
    return score


def video_annotation(args) -> tuple:
    """The pose annotation of --video by --pose_model, and the crop of each frame."""
    from datasets.pose_dataset import validate_annotation
    from datasets.video_pose import PoseModel, open_video, video_to_annotation
    if not args.pose_model:
        raise UserError(f"--video {args.video} needs a pose model, the command line, pass --pose_model <MoveNet export "
                        "dir> (cd ../MoveNet && python export_model.py --with_decode True --onnx True --save_dir <dir>)")
    open_video(args.video).release()
    pose = PoseModel(args.pose_model, args.pose_backend, args.cpu_threads)
    start = time.perf_counter()
    ann, crops = video_to_annotation(args.video, pose)
    seconds = time.perf_counter() - start
    validate_annotation(ann, args.video, unlabelled_ok=True)
    if not (ann["keypoint_score"] > 0).any():
        raise UserError(f"the pose model found no person in any frame, --video {args.video}, pass a video showing "
                        "one person")
    print(f"pose: {ann['total_frames']} frames in {seconds:.2f} s ({ann['total_frames'] / max(seconds, 1e-9):.1f} "
          f"frames/s, MoveNet on {pose.backend})")
    return ann, crops


def main(argv=None):
    args = parse_args(argv)
    check_flag(args.cpu_threads, "--cpu_threads")
    weights, flag = (args.model_dir, "--model_dir") if args.model_dir else (args.pretrained, "--pretrained")
    cfg = load_config(resolve_config(args.config, weights, flag))
    names = class_names(cfg)
    # the first problem in a stable order: config, weights, then the input (a wrong checkpoint is reported even
    # when the input is missing too)
    score = action_scorer(args, cfg)
    if args.video:
        ann, crops = video_annotation(args)
        anns = [ann]
    else:
        anns, crops = load_videos(args.input_file), None
    pipeline = build_pipeline(cfg["data"], "test")
    for ann in anns:
        start = time.perf_counter()
        views = video_views(pipeline, ann)
        probs = score(views)
        entry = prediction(ann["frame_dir"], probs, names, weights)
        print_prediction(entry)
        if args.video:
            print(f"action: {len(views)} views in {time.perf_counter() - start:.2f} s")
        if args.save_vis:
            title = f"class {entry['class_id']} {entry['class_name']} ({entry['score']:.3f})"
            if args.video:
                paths = [save_video_visualisation(args.video, ann, crops, f"{entry['class_name']} "
                                                  f"{entry['score']:.2f}", cfg["data"]["skeletons"], args.save_dir)]
            else:
                paths = save_visualisation(ann, views, title, cfg["data"]["skeletons"], args.save_dir)
            for path in paths:
                print(f"saved {path}")


if __name__ == "__main__":
    run_main(main)
