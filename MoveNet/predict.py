"""Predict keypoints with a trained MoveNet (dygraph) on an image, a folder of images, or a video.

Images: prints the keypoints and, with --save_vis True, writes <save_dir>/<name>_pose.jpg (skeleton and scores)
and <name>_heatmaps.png (keypoint and centre heatmaps). --video <file>: writes <save_dir>/<name>_pose.avi with
the skeleton drawn on every frame and prints the frames per second."""
import argparse
import json
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import paddle  # noqa: E402
from infer import iter_frames, preprocess  # noqa: E402

from config import add_flags, get_config  # noqa: E402
from models import MoveNet  # noqa: E402
from models.decode import movenet_decode  # noqa: E402
from utils import UserError, from_root, input_path, load_weights, run_main, set_device, str2bool  # noqa: E402

# COCO skeleton (0-based) with a colour per side: left blue, right red, centre green (BGR)
EDGES = [(0, 1, 0), (0, 2, 0), (1, 3, 1), (2, 4, 2), (5, 6, 0), (5, 7, 1), (7, 9, 1), (6, 8, 2), (8, 10, 2),
         (5, 11, 1), (6, 12, 2), (11, 12, 0), (11, 13, 1), (13, 15, 1), (12, 14, 2), (14, 16, 2)]
COLORS = [(0, 200, 0), (255, 128, 0), (0, 0, 255)]


def draw_pose(img: np.ndarray, kps: np.ndarray, scores: bool = True) -> np.ndarray:
    """Skeleton (and per-joint scores) on a BGR image; kps [17,3] normalised, -1 = not found."""
    img = img.copy()
    h, w = img.shape[:2]
    pts = [(int(x * w), int(y * h)) if x >= 0 else None for x, y, _ in kps]
    thick = max(1, round((h + w) / 400))
    for a, b, c in EDGES:
        if pts[a] and pts[b]:
            cv2.line(img, pts[a], pts[b], COLORS[c], thick, cv2.LINE_AA)
    for p, (_, _, s) in zip(pts, kps):
        if p:
            cv2.circle(img, p, thick + 2, (255, 255, 255), -1)
            if scores:
                cv2.putText(img, f'{s:.2f}', (p[0] + 3, p[1] - 3), cv2.FONT_HERSHEY_SIMPLEX, 0.3 * thick,
                            (255, 255, 0), 1, cv2.LINE_AA)
    return img


def save_heatmaps(path: str, img_bgr: np.ndarray, heatmaps: np.ndarray, center: np.ndarray) -> None:
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    rgb = cv2.cvtColor(cv2.resize(img_bgr, (192, 192)), cv2.COLOR_BGR2RGB)
    fig, axes = plt.subplots(1, 3, figsize=(9, 3))
    axes[0].imshow(rgb)
    axes[1].imshow(rgb)
    axes[1].imshow(cv2.resize(heatmaps.max(0), (192, 192)), alpha=0.6, cmap='jet', vmin=0, vmax=1)
    axes[2].imshow(center, cmap='jet', vmin=0, vmax=1)
    for ax, t in zip(axes, ('input', 'keypoint heatmaps (max)', 'centre heatmap')):
        ax.set_title(t)
        ax.axis('off')
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_flags(parser, 'pretrained', 'device', 'hm_th')
    parser.add_argument('--input_file', default=None, help='an image or a folder of images')
    parser.add_argument('--video', default=None, help='a video file: writes an annotated video, prints FPS')
    parser.add_argument('--save_dir', default=None, help='output folder (default: <this folder>/output/predict)')
    parser.add_argument('--save_vis', type=str2bool, default=True, help='write the skeleton and heatmap pictures')
    args = parser.parse_args()
    cfg = get_config(args)
    if not args.input_file and not args.video:
        raise UserError('nothing to predict, command line, pass --input_file <image|folder> or --video <file>')
    args.input_file, args.video = input_path(args.input_file), input_path(args.video)
    args.save_dir = args.save_dir or from_root('output/predict')
    set_device(cfg.device or None)
    model = MoveNet(cfg.DATA.num_joints)
    load_weights(model, cfg.MODEL.pretrained or os.path.join(cfg.save_dir, 'best_model', 'model.pdparams'))
    model.eval()
    os.makedirs(args.save_dir, exist_ok=True)

    def run(img_bgr):
        with paddle.no_grad():
            outs = model(paddle.to_tensor(preprocess(img_bgr, cfg.DATA.img_size)[None]))
            return movenet_decode(*outs, hm_th=cfg.TEST.hm_th).numpy()[0], outs

    if args.video:
        frames = list(iter_frames(args.video))
        h, w = frames[0][1].shape[:2]
        out_path = os.path.join(args.save_dir, os.path.splitext(os.path.basename(args.video))[0] + '_pose.avi')
        writer = cv2.VideoWriter(out_path, cv2.VideoWriter_fourcc(*'MJPG'), 25, (w, h))
        tic = time.time()
        for _, frame in frames:
            writer.write(draw_pose(frame, run(frame)[0], scores=False))
        fps = len(frames) / (time.time() - tic)
        writer.release()
        print(f'{len(frames)} frames, {fps:.1f} FPS (decode + drawing included) -> {out_path}')
        return
    for name, img in iter_frames(args.input_file):
        kps, outs = run(img)
        print(json.dumps({'file': name, 'keypoints': np.round(kps.astype(np.float64), 4).tolist()}))
        if args.save_vis:
            stem = os.path.join(args.save_dir, os.path.splitext(os.path.basename(name))[0])
            cv2.imwrite(stem + '_pose.jpg', draw_pose(img, kps))
            save_heatmaps(stem + '_heatmaps.png', img, outs[0].numpy()[0], outs[1].numpy()[0, 0])
            print(f'saved {stem}_pose.jpg and {stem}_heatmaps.png')


if __name__ == '__main__':
    run_main(main)
