"""Predict the action of one skeleton sample (a raw NTU .skeleton file, or one row of a .npy).

    python predict.py --pretrained output/best_model/model.pdparams --input_file S001C001P001R001A001.skeleton \
        --save_vis True
Prints the class id, its name (the config's class_names list) and score, and the top-5. The config is the one
saved beside the checkpoint (config.yaml) unless --config is given.
--save_vis writes <save_dir>/<name>.png (utils/vis.py): the skeleton at six frames (front view, left limbs blue,
right orange, centre green), the class name and score as the caption, and the ST-Joint attention maps
(frames x joints, mean over channels) of every attention layer of the main stream.
--model_dir <export dir> (export_model.py) runs the exported model instead, as infer.py does with its default
--backend auto (ONNX Runtime when installed and model.onnx is there, else Paddle Inference with oneDNN: the fast CPU
paths, see README "Inference speed"); its config.yaml is used, and --save_vis draws no attention maps then.
"""
import argparse
import os

import numpy as np

from utils import ArgumentParser, UserError, folder_path, non_negative_int, run_main, set_device, str2bool
from utils.config import class_names, load_config, resolve_config


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
    p.add_argument('--model_dir', default=None, help='exported model directory: run it instead of --pretrained')
    p.add_argument('--backend', choices=['auto', 'paddle', 'onnxruntime'], default='auto', help='with --model_dir')
    args = p.parse_args(argv)
    if args.model_dir:
        cfg = load_config(resolve_config(args.config, args.model_dir, '--model_dir'))
    else:
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
    attention = {}
    if args.model_dir:
        prob = exported_predictor(args).run(np.ascontiguousarray(x[None], dtype='float32'))[0]
    else:
        model = build_model(cfg)
        load_pretrained(model, args.pretrained, logger=_Quiet())  # another class count than the config: an error
        model.eval()
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
        maps = {k: v[0].mean(0) for k, v in attention.items()} or None  # person 0, channel mean -> [T', V]
        from utils.vis import save_skeleton_vis
        save_skeleton_vis(sample[:, :num_frame], path, f'{names[args.index]}: {labels[cls]} ({cls}), '
                          f'score {prob[cls]:.3f}', attention=maps)
        print(f'visualisation saved to {path}')


def exported_predictor(args):
    """infer.py's Predictor on --model_dir with its defaults (1 thread, oneDNN on, fp32) and --backend."""
    import infer
    iargs = infer.get_parser().parse_args(['--model_dir', args.model_dir, '--backend', args.backend])
    iargs.backend = infer.choose_backend(iargs)
    return infer.Predictor(iargs)


class _Quiet:
    def info(self, line: str) -> None:
        if line.startswith('warning:'):
            print(line)


if __name__ == '__main__':
    run_main(main)
