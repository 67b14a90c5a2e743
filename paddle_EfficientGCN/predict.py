"""Predict the action of one skeleton sample (a raw NTU .skeleton file, or one row of a .npy).

    python predict.py --pretrained output/best_model/model.pdparams --input_file S001C001P001R001A001.skeleton \
        --save_vis True
Prints the class id, its name (the config's class_names list) and score, and the top-5. The config is the one
saved beside the checkpoint (config.yaml) unless --config is given.
--save_vis writes <save_dir>/<name>.png: the 3D skeleton at a few frames and the ST-Joint attention maps
(frames x joints, mean over channels) of every attention layer of the main stream.
"""
import argparse
import io
import os

import numpy as np

from utils import ArgumentParser, UserError, folder_path, non_negative_int, run_main, set_device, str2bool
from utils.config import class_names, load_config, resolve_config


def draw(skeleton: np.ndarray, attention: dict, title: str, path: str) -> None:
    """skeleton [3, T, 25, M] (x, y, z); attention {layer: [T', 25]}."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    from models.graph import NTU_EDGES_1BASED
    present = np.where(np.abs(skeleton).sum((0, 2, 3)) > 0)[0]
    frames = present[np.linspace(0, len(present) - 1, 4).astype(int)] if len(present) else [0]
    pts = skeleton[:, present].reshape(3, -1) if len(present) else np.zeros((3, 1))
    pts = pts[:, np.abs(pts).sum(0) > 0] if np.abs(pts).sum() > 0 else pts
    center, half = (pts.max(1) + pts.min(1)) / 2, max(float((pts.max(1) - pts.min(1)).max()) / 2, 0.1)
    fig = plt.figure(figsize=(4 * max(len(frames), len(attention)), 8))
    for i, t in enumerate(frames):
        ax = fig.add_subplot(2, max(len(frames), len(attention)), i + 1, projection='3d')
        for m in range(skeleton.shape[3]):
            joints = skeleton[:, t, :, m]
            if not joints.any():
                continue
            for a, b in NTU_EDGES_1BASED:  # Kinect: y up, z depth -> plot x, z, y
                ax.plot(joints[0, [a - 1, b - 1]], joints[2, [a - 1, b - 1]], joints[1, [a - 1, b - 1]],
                        color='C%d' % m)
        ax.set_xlim(center[0] - half, center[0] + half)  # equal scale on the three axes
        ax.set_ylim(center[2] - half, center[2] + half)
        ax.set_zlim(center[1] - half, center[1] + half)
        ax.set_title(f'frame {t}')
        ax.set_xlabel('x')
        ax.set_ylabel('z')
        ax.set_zlabel('y')
    for i, (name, att) in enumerate(attention.items()):
        ax = fig.add_subplot(2, max(len(frames), len(attention)), max(len(frames), len(attention)) + i + 1)
        im = ax.imshow(att.T, aspect='auto', cmap='viridis')
        ax.set_title(f'{name} attention')
        ax.set_xlabel('frame (after stride)')
        ax.set_ylabel('joint')
        fig.colorbar(im, ax=ax)
    fig.suptitle(title)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format='png', dpi=80)
    plt.close(fig)
    from utils.atomic_io import write_file_atomic
    write_file_atomic(path, buffer.getvalue())


def main(argv=None) -> None:
    p = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=None, help='default: config.yaml beside --pretrained')
    p.add_argument('--pretrained', default=folder_path('output/best_model/model.pdparams'),
                   help='.pdparams or a checkpoint directory')
    p.add_argument('--input_file', required=True, help='.skeleton file or [N, 3, T, 25, M] .npy')
    p.add_argument('--index', type=non_negative_int, default=0, help='sample index in a .npy')
    p.add_argument('--device', choices=['cpu', 'gpu'], default=None)
    p.add_argument('--save_vis', type=str2bool, default=False)
    p.add_argument('--save_dir', default=folder_path('output/vis'), help='created when missing')
    args = p.parse_args(argv)
    cfg = load_config(resolve_config(args.config, args.pretrained, '--pretrained'))
    set_device(args.device)
    import paddle

    from datasets.feeder import load_input_file
    from datasets.transforms import build_transform
    from models import build_model
    from utils.checkpoint import load_pretrained

    # a raw .skeleton goes through the reader exactly as for the training data (pre-normalised for x-view)
    data, names, _ = load_input_file(args.input_file, transform=cfg['dataset_args']['transform'])
    if args.index >= len(data):
        raise UserError(f'--index {args.index} out of range, {args.input_file} has {len(data)} samples')
    sample = np.asarray(data[args.index])
    num_frame = cfg['dataset_args']['num_frame']
    x = build_transform(num_frame, cfg['dataset_args']['inputs'])(sample)
    model = build_model(cfg)
    load_pretrained(model, args.pretrained, logger=_Quiet())  # another class count than the config: an error
    model.eval()
    attention = {}
    for name, layer in model.main_stream.named_children():
        if name.endswith('_att'):
            layer.att.register_forward_post_hook(
                lambda _l, _i, out, name=name: attention.__setitem__(name, out.numpy()))
    with paddle.no_grad():
        prob = paddle.nn.functional.softmax(model(paddle.to_tensor(x[None])), -1).numpy()[0]
    cls, labels = int(prob.argmax()), class_names(cfg)
    top5 = np.argsort(-prob, kind='stable')[:5]
    print(f'{names[args.index]}: class {cls} ({labels[cls]}), score {prob[cls]:.4f}')
    print('top-5: ' + ', '.join(f'{c} {labels[c]} {prob[c]:.4f}' for c in top5))
    if args.save_vis:
        path = os.path.join(args.save_dir, os.path.splitext(os.path.basename(names[args.index]))[0] + '.png')
        maps = {k: v[0].mean(0) for k, v in attention.items()}  # person 0, mean over channels -> [T', V]
        draw(sample[:, :num_frame], maps, f'{names[args.index]}: {labels[cls]} ({cls}), score {prob[cls]:.3f}',
             path)
        print(f'visualisation saved to {path}')


class _Quiet:
    def info(self, line: str) -> None:
        if line.startswith('warning:'):
            print(line)


if __name__ == '__main__':
    run_main(main)
