"""Export to a Paddle Inference model (softmax inside, dynamic batch) and optionally ONNX.

    python export_model.py --config configs/2001.yaml --model_path output/best_model/model.pdparams --save_dir inference
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from utils import UserError, folder_path, load_config, load_pretrained, run_main, str2bool  # noqa: E402


def export(cfg: dict, model_path: str, save_dir: str, onnx: bool = False) -> str:
    """Write <save_dir>/model.{json|pdmodel,pdiparams} (+ model.onnx) and infer_cfg.json; returns the prefix."""
    import numpy as np
    import paddle
    from models import build_model

    class Exported(paddle.nn.Layer):
        def __init__(self, net):
            super().__init__()
            self.net = net

        def forward(self, x):
            return paddle.nn.functional.softmax(self.net(x), axis=-1)

    net = build_model(cfg)
    if load_pretrained(net, model_path):
        raise UserError(f'the classifier of {model_path} does not have num_class={cfg["num_class"]} outputs, '
                        'check --config')
    net.eval()
    model = Exported(net)
    model.eval()
    spec = [paddle.static.InputSpec([None] + list(cfg['data_shape']), 'float32', 'x')]
    static = paddle.jit.to_static(model, input_spec=spec, full_graph=True)
    os.makedirs(save_dir, exist_ok=True)
    prefix = os.path.join(save_dir, 'model')
    paddle.jit.save(static, prefix)
    # what infer.py needs to preprocess raw skeletons: frames kept, input streams and whether the reader
    # pre-normalises (dataset_args.transform: the official x-view configs do)
    with open(os.path.join(save_dir, 'infer_cfg.json'), 'w') as f:
        json.dump({'model_type': cfg['model_type'], 'num_class': cfg['num_class'], 'data_shape': cfg['data_shape'],
                   'dataset': cfg.get('dataset'), 'inputs': cfg['dataset_args'].get('inputs', 'JVB'),
                   'transform': bool(cfg['dataset_args'].get('transform', False))}, f, indent=2)
    print(f'Model is saved in {save_dir}.')
    if onnx:
        import onnxruntime as ort
        import paddle2onnx
        model_file = prefix + ('.json' if os.path.exists(prefix + '.json') else '.pdmodel')
        paddle2onnx.export(model_file, prefix + '.pdiparams', prefix + '.onnx', opset_version=13,
                           enable_onnx_checker=True)
        x = np.random.RandomState(0).randn(2, *cfg['data_shape']).astype('float32')
        ref = model(paddle.to_tensor(x)).numpy()
        out = ort.InferenceSession(prefix + '.onnx', providers=['CPUExecutionProvider']).run(None, {'x': x})[0]
        diff = float(np.abs(out - ref).max())
        print(f'ONNX model is saved in {prefix}.onnx, max abs diff to Paddle: {diff:.2e}')
        if diff > 1e-4:
            raise RuntimeError(f'ONNX export differs from Paddle by {diff}')
    return prefix


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=folder_path('configs/2001.yaml'))
    p.add_argument('--model_path', default=folder_path('output/best_model/model.pdparams'))
    p.add_argument('--save_dir', default=folder_path('inference'))
    p.add_argument('--onnx', type=str2bool, default=False, help='also write model.onnx (paddle2onnx)')
    args = p.parse_args(argv)
    cfg = load_config(args.config)
    import paddle
    paddle.set_device('cpu')
    export(cfg, args.model_path, args.save_dir, args.onnx)


if __name__ == '__main__':
    run_main(main)
