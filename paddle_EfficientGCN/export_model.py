"""Export to a Paddle Inference model (softmax inside, dynamic batch) and optionally ONNX.

    python export_model.py --model_path output/best_model/model.pdparams --save_dir inference
    python export_model.py --config configs/2001.yaml --model_path pretrained/xsub.pdparams --onnx True
Writes <save_dir>/model.json (Paddle 3; model.pdmodel on Paddle 2) + model.pdiparams, config.yaml (the resolved
config: infer.py reads frames, input streams, pre-normalisation and class names from it) and, with --onnx True,
model.onnx checked against Paddle. Each file is written under a temporary name, then renamed.
"""
import argparse
import os
import shutil

from utils import ArgumentParser, UserError, folder_path, quiet_native, run_main, str2bool
from utils.config import load_config, resolve_config, save_config


def _onnx(prefix: str, net, data_shape, verbose: bool = False) -> float:
    """paddle2onnx of the saved model, checked against the dygraph network (+ softmax) on a random batch; the max
    abs diff. (Calling the to_static-wrapped layer instead would trace a second static program.)"""
    import numpy as np
    import onnxruntime as ort
    import paddle
    import paddle2onnx
    model_file = prefix + ('.json' if os.path.exists(prefix + '.json') else '.pdmodel')
    with quiet_native(not verbose, streams=(1, 2)):  # paddle2onnx / Polygraphy progress lines
        paddle2onnx.export(model_file, prefix + '.pdiparams', prefix + '.onnx', opset_version=13,
                           enable_onnx_checker=True, verbose=verbose)
    x = np.random.RandomState(0).randn(2, *data_shape).astype('float32')
    with paddle.no_grad():
        ref = paddle.nn.functional.softmax(net(paddle.to_tensor(x)), axis=-1).numpy()
    out = ort.InferenceSession(prefix + '.onnx', providers=['CPUExecutionProvider']).run(None, {'x': x})[0]
    return float(np.abs(out - ref).max())


def export(cfg: dict, model_path: str, save_dir: str, onnx: bool = False, verbose: bool = False) -> str:
    """Write the inference model, config.yaml (and model.onnx) into save_dir; returns the model prefix."""
    import paddle

    from models import build_model
    from utils.checkpoint import load_pretrained

    class Exported(paddle.nn.Layer):
        def __init__(self, net):
            super().__init__()
            self.net = net

        def forward(self, x):
            return paddle.nn.functional.softmax(self.net(x), axis=-1)

    net = build_model(cfg)
    load_pretrained(net, model_path, logger=_Silent(), flag='--model_path')  # another class count: an error
    model = Exported(net)
    model.eval()
    spec = [paddle.static.InputSpec([None] + list(cfg['data_shape']), 'float32', 'x')]
    static = paddle.jit.to_static(model, input_spec=spec, full_graph=True)
    tmp = os.path.join(save_dir, f'export.tmp-{os.getpid()}')
    os.makedirs(tmp, exist_ok=True)
    try:
        paddle.jit.save(static, os.path.join(tmp, 'model'))
        diff = _onnx(os.path.join(tmp, 'model'), net, cfg['data_shape'], verbose) if onnx else None
        if diff is not None and diff > 1e-4:
            raise RuntimeError(f'ONNX export differs from Paddle by {diff}')
        save_config(cfg, tmp)
        for name in sorted(os.listdir(tmp)):  # each file renamed into place: never a half-written model file
            os.replace(os.path.join(tmp, name), os.path.join(save_dir, name))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f'Model is saved in {save_dir}.')
    if diff is not None:
        print(f'ONNX model is saved in {os.path.join(save_dir, "model.onnx")}, max abs diff to Paddle: {diff:.2e}')
    return os.path.join(save_dir, 'model')


class _Silent:
    def info(self, line: str) -> None:
        if line.startswith('warning:'):
            print(line)


def main(argv=None) -> None:
    p = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=None, help='default: config.yaml beside --model_path')
    p.add_argument('--model_path', default=folder_path('output/best_model/model.pdparams'))
    p.add_argument('--save_dir', default=folder_path('inference'))
    p.add_argument('--onnx', type=str2bool, default=False, help='also write model.onnx (paddle2onnx)')
    p.add_argument('--verbose', type=str2bool, default=False, help="show Paddle's and paddle2onnx's own logs")
    args = p.parse_args(argv)
    if not args.verbose:
        os.environ.setdefault('GLOG_minloglevel', '3')  # before paddle is imported: no glog lines
    cfg = load_config(resolve_config(args.config, args.model_path, '--model_path'))
    if os.path.exists(args.save_dir) and not os.path.isdir(args.save_dir):
        raise UserError(f'--save_dir {args.save_dir} is a file, pass a directory for the exported model')
    import paddle
    paddle.set_device('cpu')
    export(cfg, args.model_path, args.save_dir, args.onnx, args.verbose)


if __name__ == '__main__':
    run_main(main)
