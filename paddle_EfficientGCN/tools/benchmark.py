"""`make bench`: parameters and FLOPs of B0-B4, then per-sample latency of the deployed paths on one input.

    python tools/benchmark.py --torch_ref ../alignment/paddle_EfficientGCN/torch_ref
FLOPs come from our own counter (paddle.flops crashes in 3.3.1): Conv2D/Conv3D and the graph einsum, one
multiply-add = 2 FLOPs; BN, activations and pooling are left out, as thop leaves them out.
"""
import argparse
import copy
import os
import statistics
import sys
import tempfile
import time
import warnings
from types import SimpleNamespace

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
warnings.filterwarnings('ignore', message='No ccache found')  # paddle is imported below, before utils (see utils)

import numpy as np
import paddle

from models import build_model
from models.layers import SpatialGraphConv
from utils import ArgumentParser, folder_path, positive_int
from utils.config import load_config


def count_macs(model, shape) -> int:
    """Multiply-adds of one forward pass on an input of `shape`."""
    macs = []

    def conv_hook(layer, inputs, output):
        w = layer.weight.shape
        macs.append(int(np.prod(output.shape)) * w[1] * int(np.prod(w[2:])))

    def gcn_hook(layer, inputs, output):  # einsum nkctv,kvw->nctw after the 1x1 conv
        n, c, t, w = output.shape
        macs.append(n * c * t * w * layer.s_kernel_size * layer.A.shape[1])

    hooks = []
    for layer in model.sublayers():
        if isinstance(layer, (paddle.nn.Conv2D, paddle.nn.Conv3D)):
            hooks.append(layer.register_forward_post_hook(conv_hook))
        elif isinstance(layer, SpatialGraphConv):
            hooks.append(layer.register_forward_post_hook(gcn_hook))
    model.eval()
    with paddle.no_grad():
        model(paddle.zeros(shape))
    for h in hooks:
        h.remove()
    return sum(macs)


def timed(fn, runs: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


def main(argv=None) -> None:
    p = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=folder_path('configs/2001.yaml'))
    p.add_argument('--torch_ref', default=None, help='alignment torch_ref folder (adds the torch column)')
    p.add_argument('--runs', type=positive_int, default=10)
    p.add_argument('--frames', type=positive_int, default=288)
    args = p.parse_args(argv)
    paddle.set_device('cpu')
    cfg = load_config(args.config)
    cfg['data_shape'][2] = cfg['dataset_args']['num_frame'] = args.frames
    size_table(cfg)
    latency_table(cfg, args)


def size_table(cfg) -> None:
    """Parameters and multiply-adds of B0-B4 at the config's frame count."""
    print('| model | trainable params (incl. edge) | params counted by thop (no edge) | GMACs | GFLOPs (2/MAC) |')
    print('|---|---|---|---|---|')
    for phi in range(5):
        c = copy.deepcopy(cfg)
        c['model_type'] = f'EfficientGCN-B{phi}'
        model = build_model(c)
        trainable = sum(int(np.prod(q.shape)) for q in model.parameters() if not q.stop_gradient)
        edges = sum(int(np.prod(q.shape)) for n, q in model.named_parameters() if n.endswith('.edge'))
        macs = count_macs(model, [1] + c['data_shape'])
        print(f'| B{phi} | {trainable:,} | {trainable - edges:,} | {macs / 1e9:.3f} | {2 * macs / 1e9:.3f} |')


def latency_table(cfg, args) -> None:
    """ms per sample of the deployed paths (dygraph, Paddle Inference, ONNX Runtime, optionally torch_ref)."""
    model = build_model(cfg)
    model.eval()
    x = np.random.RandomState(0).randn(1, *cfg['data_shape']).astype('float32')
    rows = []
    with paddle.no_grad():
        xt = paddle.to_tensor(x)
        rows.append(('Paddle dygraph', 'default', timed(lambda: model(xt), args.runs)))
    from export_model import export
    from infer import Predictor
    with tempfile.TemporaryDirectory() as d:
        paddle.save(model.state_dict(), os.path.join(d, 'm.pdparams'))
        export(cfg, os.path.join(d, 'm.pdparams'), d, onnx=True)
        for threads in (1, 2):
            for mkldnn in (True, False):
                pred = Predictor(SimpleNamespace(
                    model_file=None, params_file=None, model_dir=d, use_gpu=False, enable_mkldnn=mkldnn,
                    cpu_threads=threads, use_tensorrt=False, precision='fp32', ir_optim=True, gpu_mem=1000,
                    batch_size=1, backend='paddle', onnx_file=None, verbose=False))
                rows.append((f'Paddle Inference, mkldnn {"on" if mkldnn else "off"}', threads,
                             timed(lambda: pred.run(x), args.runs)))
            ort = Predictor(SimpleNamespace(model_file=None, params_file=None, model_dir=d, cpu_threads=threads,
                                            backend='onnxruntime', onnx_file=None, verbose=False))
            rows.append(('ONNX Runtime', threads, timed(lambda: ort.run(x), args.runs)))
    torch_ms = {}
    if args.torch_ref:
        import torch
        sys.path.insert(0, os.path.dirname(os.path.abspath(args.torch_ref)))  # the optional reference package
        from torch_ref.nets import EfficientGCN  # alignment/paddle_EfficientGCN/torch_ref/nets.py
        tm = EfficientGCN(cfg['num_class'], cfg['model_type']).eval()
        xt = torch.from_numpy(x)
        for threads in (1, 2):
            torch.set_num_threads(threads)
            with torch.no_grad():
                torch_ms[threads] = timed(lambda: tm(xt)[0], args.runs)
            rows.append(('PyTorch reference (eager)', threads, torch_ms[threads]))
    print(f'\nlatency, batch 1, input {[1] + cfg["data_shape"]}, median of {args.runs} runs after 2 warm-up')
    print('| runtime | threads | ms / sample | ratio to torch (same threads) |')
    print('|---|---|---|---|')
    for name, threads, ms in rows:
        ref = torch_ms.get(threads if threads != 'default' else 1)
        print(f'| {name} | {threads} | {ms:.1f} | {f"{ms / ref:.2f}" if ref else "-"} |')


if __name__ == '__main__':
    main()
