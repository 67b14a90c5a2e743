"""Export MoveNet for Paddle Inference (and ONNX): `<save_dir>/model.json|.pdmodel + model.pdiparams`.

The network graph returns the four maps; --with_decode True also puts movenetDecode into the graph, which then
returns keypoints [N,17,3] (x, y, score). Upsampling is the exact elementwise x2 form, so oneDNN and paddle2onnx
both work."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import paddle  # noqa: E402

from config import add_flags, get_config  # noqa: E402
from models import MoveNet, MoveNetWithDecode  # noqa: E402
from utils import UserError, from_root, input_path, load_weights, run_main, str2bool  # noqa: E402


def export(model_path: str, save_dir: str, with_decode: bool = False, img_size: int = 192, onnx: bool = False,
           hm_th: float = 0.1) -> str:
    net = MoveNet()
    if model_path:
        load_weights(net, model_path, flag='--model_path')
    net.eval()
    layer = MoveNetWithDecode(net, hm_th) if with_decode else net
    layer.eval()
    spec = [paddle.static.InputSpec([None, 3, img_size, img_size], 'float32', name='image')]
    static = paddle.jit.to_static(layer, input_spec=spec, full_graph=True)
    prefix = os.path.join(save_dir, 'model')
    paddle.jit.save(static, prefix)
    print(f'Model is saved in {save_dir}.')
    if onnx:
        to_onnx(save_dir, layer, img_size)
    return prefix


def model_file(save_dir: str) -> str:
    for name in ('model.json', 'model.pdmodel'):
        if os.path.isfile(os.path.join(save_dir, name)):
            return os.path.join(save_dir, name)
    raise UserError(f'no model.json/model.pdmodel in {save_dir}, --save_dir/--model_dir, run export_model.py first')


def to_onnx(save_dir: str, layer=None, img_size: int = 192, opset: int = 11) -> str:
    """paddle2onnx on the exported files; checked against Paddle on one input when the layer is given."""
    import paddle2onnx
    out = os.path.join(save_dir, 'model.onnx')
    paddle2onnx.export(model_file(save_dir), os.path.join(save_dir, 'model.pdiparams'), out, opset_version=opset)
    print(f'ONNX model is saved in {out}.')
    if layer is not None:
        import onnxruntime as ort
        x = np.random.RandomState(0).uniform(0, 255, (1, 3, img_size, img_size)).astype(np.float32)
        sess = ort.InferenceSession(out, providers=['CPUExecutionProvider'])
        got = sess.run(None, {sess.get_inputs()[0].name: x})
        with paddle.no_grad():
            ref = layer(paddle.to_tensor(x))
        ref = [ref] if isinstance(ref, paddle.Tensor) else ref
        if isinstance(layer, MoveNetWithDecode):
            # argmax picks can flip on float near-ties (frequent with untrained weights): count agreeing keypoints
            agree = float((np.abs(got[0] - ref[0].numpy()).max(-1) < 1e-4).mean())
            print(f'ONNX Runtime vs Paddle: {agree:.1%} of the decoded keypoints agree')
            if agree < 0.9:
                raise RuntimeError(f'ONNX decode graph disagrees with Paddle on {1 - agree:.1%} of the keypoints')
            return out
        diff = max(float(np.abs(g - r.numpy()).max()) for g, r in zip(got, ref))
        scale = max(1.0, max(float(np.abs(r.numpy()).max()) for r in ref))  # untrained nets reach 1e5
        print(f'ONNX Runtime vs Paddle max abs diff: {diff:.2e} (largest output {scale:.3g})')
        if diff > 1e-4 * scale:
            raise RuntimeError(f'ONNX export differs from Paddle by {diff}')
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--model_path', default=None,
                        help='MoveNet .pdparams (default: <this folder>/output/best_model/model.pdparams)')
    parser.add_argument('--save_dir', default=None, help='output folder (default: <this folder>/inference)')
    add_flags(parser)  # --config: the input size comes from DATA.img_size
    parser.add_argument('--with_decode', type=str2bool, default=False, help='put movenetDecode into the graph')
    parser.add_argument('--onnx', type=str2bool, default=False, help='also write model.onnx via paddle2onnx')
    args = parser.parse_args()
    paddle.set_device('cpu')
    args.model_path = input_path(args.model_path) or from_root('output/best_model/model.pdparams')
    args.save_dir = args.save_dir or from_root('inference')
    export(args.model_path, args.save_dir, args.with_decode, get_config(args).DATA.img_size, args.onnx)


if __name__ == '__main__':
    run_main(main)
