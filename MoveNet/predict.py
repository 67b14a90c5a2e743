"""Predict keypoints with a trained MoveNet (dygraph) on an image, a folder of images, or a video.

Prints per image `Current video file: <name>` and `\tkeypoints: [[x, y, score] x 17]` in the image's pixels (COCO-17
order, x = y = -1 below the score threshold TEST.hm_th). With --save_vis True (default) it writes <save_dir>/<name>_pose.jpg
(the full picture at its aspect ratio with the skeleton: left limbs blue, right orange, centre green, joints under
the threshold hollow, a caption and a legend; utils/vis.py) and <name>_heatmaps.png (keypoint and centre heatmaps). --video <file>: writes
<save_dir>/<name>_pose.avi with the skeleton drawn on every frame and prints the frames per second.
The config is the one saved beside --pretrained (<dir>/config.yaml); --config overrides it."""
import warnings

warnings.filterwarnings('ignore', message='No ccache found')  # paddle's harmless import-time warning

import argparse
import io
import json
import os
import time
from typing import List, Optional

import cv2
import numpy as np
import paddle

from datasets.images import load_frames, preprocess
from models import MoveNet
from models.decode import movenet_decode
from utils import ArgumentParser, UserError, cli, from_root, input_path, set_device, str2bool
from utils.atomic_io import write_file_atomic
from utils.checkpoint import load_weights
from utils.config import add_config_flags, checkpoint_config, overrides_from
from utils.inference import check_finite, to_pixels
from utils.vis import draw_pose


def heatmaps_png(img_bgr: np.ndarray, heatmaps: np.ndarray, center: np.ndarray) -> bytes:
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
    buf = io.BytesIO()
    fig.savefig(buf, format='png')
    plt.close(fig)
    return buf.getvalue()


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    parser = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_config_flags(parser, 'pretrained', 'device', 'hm_th',
                     config_help='yaml config (default: config.yaml beside --pretrained)')
    parser.add_argument('--input_file', default=None, help='an image or a folder of images')
    parser.add_argument('--video', default=None, help='a video file: writes an annotated video, prints FPS')
    parser.add_argument('--save_dir', default=None, help='output folder (default: <this folder>/output/predict)')
    parser.add_argument('--save_vis', type=str2bool, default=True, help='write the skeleton and heatmap pictures')
    return parser.parse_args(argv)


def predict_video(run, path: str, frames, save_dir: str, thr: float) -> None:
    h, w = frames[0][1].shape[:2]
    out_path = os.path.join(save_dir, os.path.splitext(os.path.basename(path))[0] + '_pose.avi')
    tmp = f'{out_path[:-4]}.tmp-{os.getpid()}.avi'
    writer = cv2.VideoWriter(tmp, cv2.VideoWriter_fourcc(*'MJPG'), 25, (w, h))
    tic = time.time()
    try:
        for name, frame in frames:
            writer.write(draw_pose(frame, run(name, frame)[1], thr))
    finally:
        writer.release()
    fps = len(frames) / (time.time() - tic)
    os.replace(tmp, out_path)
    print(f'{len(frames)} frames, {fps:.1f} FPS (decode + drawing included) -> {out_path}')


@cli
def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    if not args.input_file and not args.video:
        raise UserError('nothing to predict, command line, pass --input_file <image|folder> or --video <file>')
    cfg, weights = checkpoint_config(args.config, args.pretrained, overrides_from(args, skip=('pretrained',)))
    source = input_path(args.video or args.input_file)
    frames = load_frames(source)  # every frame read and checked before the model is built
    save_dir = os.path.abspath(args.save_dir) if args.save_dir else from_root('output/predict')
    set_device(cfg.device or None)
    model = MoveNet(cfg.DATA.num_joints)
    load_weights(model, weights)
    model.eval()

    def run(name, img_bgr):
        """-> keypoints (x = y = -1 under TEST.hm_th), every joint's best place (for the picture), the maps."""
        with paddle.no_grad():
            outs = model(paddle.to_tensor(preprocess(img_bgr, cfg.DATA.img_size)[None]))
            check_finite([o.numpy() for o in outs], [name], '--pretrained')
            kps = movenet_decode(*outs, hm_th=cfg.TEST.hm_th).numpy()[0]
            return kps, movenet_decode(*outs, hm_th=0.0).numpy()[0], outs

    os.makedirs(save_dir, exist_ok=True)
    if args.video:
        return predict_video(run, source, frames, save_dir, cfg.TEST.hm_th)
    for name, img in frames:
        kps, every, outs = run(name, img)
        print(f'Current video file: {name}')
        print(f'\tkeypoints: {json.dumps(to_pixels(kps, img.shape[1], img.shape[0]))}')
        if args.save_vis:
            stem = os.path.join(save_dir, os.path.splitext(name)[0])
            write_file_atomic(stem + '_pose.jpg', cv2.imencode('.jpg', draw_pose(img, every, cfg.TEST.hm_th))[1].tobytes())
            write_file_atomic(stem + '_heatmaps.png', heatmaps_png(img, outs[0].numpy()[0], outs[1].numpy()[0, 0]))
            print(f'saved {stem}_pose.jpg and {stem}_heatmaps.png')


if __name__ == '__main__':
    main()
