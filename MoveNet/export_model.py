"""Export MoveNet for Paddle Inference (and ONNX): `<save_dir>/model.json|.pdmodel + model.pdiparams + config.yaml`
(+ model.onnx with --onnx True, checked against Paddle on one input).

The network graph returns the four maps; --with_decode True also puts movenetDecode into the graph, which then
returns keypoints [N,17,3] (x, y, score). Upsampling is the exact elementwise x2 form, so oneDNN and paddle2onnx
both work. The config is the one saved beside --model_path (<dir>/config.yaml); --config overrides it; it is
copied into the export dir, where infer.py reads it."""
import warnings

warnings.filterwarnings('ignore', message='No ccache found')  # paddle's harmless import-time warning

import os
import sys
from typing import List, Optional

from utils import ArgumentParser, cli, from_root, str2bool
from utils.config import checkpoint_config


def parse_args(argv: Optional[List[str]]):
    parser = ArgumentParser(description=__doc__)
    parser.add_argument('--model_path', default=None,
                        help='MoveNet .pdparams (default: <this folder>/output/best_model/model.pdparams)')
    parser.add_argument('--save_dir', default=None, help='output folder (default: <this folder>/inference)')
    parser.add_argument('--config', default=None, help='yaml config (default: config.yaml beside --model_path)')
    parser.add_argument('--with_decode', type=str2bool, default=False, help='put movenetDecode into the graph')
    parser.add_argument('--onnx', type=str2bool, default=False, help='also write model.onnx via paddle2onnx')
    parser.add_argument('--verbose', type=str2bool, default=False, help="show Paddle's own logs (glog)")
    return parser.parse_args(argv)


@cli
def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    if not args.verbose:
        os.environ.setdefault('GLOG_minloglevel', '3')  # before paddle is imported: no glog lines
    import paddle

    from utils.export import export
    cfg, weights = checkpoint_config(args.config, args.model_path, {})
    paddle.set_device('cpu')
    export(cfg, weights, args.save_dir or from_root('inference'), args.with_decode, args.onnx)


def main_onnx() -> None:
    """pd2onnx.py, the seed's one-step ONNX export: export_model.py with --onnx True."""
    main(sys.argv[1:] + ['--onnx', 'True'])


if __name__ == '__main__':
    main()
