"""Inference benchmark (`make bench`): params, FLOPs and per-clip latency of MVF on every backend,
plus the MVF module's overhead over plain TSN-R50 measured in the same run.

    python tools/benchmark.py --torch_ref ../alignment/PaddleMVF/torch_ref [--segments 16 --side 224]

FLOPs come from our own counter over Conv/Linear layers, one multiply-add = 2 FLOPs (BN, activations
and pooling are not counted). Latency: median of --repeat runs after --warmup, one clip per run.
"""
import argparse
import copy
import os
import statistics
import sys
import tempfile
import time

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np
import paddle
import paddle.nn as nn
from export_model import export
from infer import OnnxPredictor, PaddlePredictor
from infer import parse_args as infer_args

from models import SoftmaxRecognizer, build_model
from utils import str2bool
from utils.config import DEFAULT_CONFIG, load_config


def count_flops(model: nn.Layer, x: paddle.Tensor) -> int:
    """2 x multiply-adds of every Conv2D/Conv3D/Linear and of the fcn-testing conv, via forward hooks."""
    total = [0]

    def hook(layer, inputs, output):
        if isinstance(layer, (nn.Conv2D, nn.Conv3D)):
            k = int(np.prod(layer.weight.shape[1:]))  # in_channels/groups * kernel volume
            total[0] += 2 * int(np.prod(output.shape)) * k
        elif isinstance(layer, nn.Linear):
            total[0] += 2 * int(np.prod(output.shape)) * layer.weight.shape[0]
    handles = [m.register_forward_post_hook(hook) for m in model.sublayers()]
    with paddle.no_grad():
        model(x)
    for h in handles:
        h.remove()
    return total[0]


def median_ms(fn, warmup: int, repeat: int) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def lite_cfg(base: dict, segments: int, side: int, mvf: bool) -> dict:
    cfg = copy.deepcopy(base)
    cfg["model"].update(num_segments=segments, fcn_testing=False, mvf_freq=[0, 0, 1, 1] if mvf else [0, 0, 0, 0])
    cfg["data"].update(clip_len=segments, test_clips=1, test_crop="center", crop_size=side)
    return cfg


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=DEFAULT_CONFIG)
    p.add_argument("--torch_ref", default=None, help="path of alignment/PaddleMVF/torch_ref")
    p.add_argument("--segments", type=int, default=8)
    p.add_argument("--side", type=int, default=112)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--full_flops", type=str2bool, default=True,
                   help="also count FLOPs (no timing) at the paper's clip size, 16 frames x 224x224")
    args = p.parse_args()
    paddle.set_device("cpu")
    base = load_config(args.config)
    x = np.random.RandomState(0).randn(1, args.segments, 3, args.side, args.side).astype("float32")
    rows, overhead = [], {}
    tmp = tempfile.mkdtemp(prefix="mvf_bench_")
    for mvf in (True, False):
        name = "MVF-R50" if mvf else "TSN-R50"
        cfg = lite_cfg(base, args.segments, args.side, mvf)
        paddle.seed(0)
        model = build_model(cfg["model"])
        model.eval()
        params = sum(int(np.prod(q.shape)) for q in model.parameters() if q.trainable)
        flops = count_flops(model, paddle.to_tensor(x))
        prefix = export(cfg, None, os.path.join(tmp, name), onnx=True)
        overhead[name] = dict(params=params, flops=flops)
        if args.full_flops:
            full = build_model(dict(cfg["model"], num_segments=16))
            full.eval()
            overhead[name]["full_flops"] = count_flops(full, paddle.zeros([1, 16, 3, 224, 224]))
        net = SoftmaxRecognizer(model)
        net.eval()
        xt = paddle.to_tensor(x)
        runs = [("Paddle dygraph", None, paddle.no_grad()(lambda: net(xt)))]
        for t in args.threads:
            for mk in (True, False):
                run = PaddlePredictor(infer_args(["-i", "x", "--cpu_threads", str(t), "--enable_mkldnn", str(mk),
                                                  "--model_dir", os.path.dirname(prefix)]))
                runs.append((f"Paddle Inference mkldnn {'on' if mk else 'off'}", t, lambda run=run: run(x)))
            run = OnnxPredictor(infer_args(["-i", "x", "--cpu_threads", str(t), "--model_dir", os.path.dirname(prefix)]))
            runs.append(("ONNX Runtime", t, lambda run=run: run(x)))
        if args.torch_ref and mvf:
            import torch
            sys.path.insert(0, os.path.dirname(os.path.abspath(args.torch_ref)))
            from torch_ref import build_mvfnet
            tm = build_mvfnet(cfg["model"]["num_classes"], args.segments).eval()
            tx = torch.from_numpy(x)
            for t in args.threads:
                def trun(t=t):
                    torch.set_num_threads(t)
                    with torch.no_grad():
                        tm.forward_train(tx)
                runs.append(("torch reference (eager)", t, trun))
        for backend, t, fn in runs:
            ms = median_ms(fn, args.warmup, args.repeat)
            rows.append((name, backend, t, ms))
    torch_ms = {t: ms for n, b, t, ms in rows if b.startswith("torch")}
    print(f"\ninput: 1 clip x {args.segments} frames x {args.side}x{args.side}, CPU, "
          f"median of {args.repeat} after {args.warmup} warm-up\n")
    print("| model | backend | threads | latency (ms/clip) | ratio vs torch |")
    print("| --- | --- | --- | --- | --- |")
    for name, backend, t, ms in rows:
        ref = torch_ms.get(t)
        ratio = f"{ms / ref:.2f}" if ref and name == "MVF-R50" else "-"
        print(f"| {name} | {backend} | {t if t else '-'} | {ms:.1f} | {ratio} |")
    m, p_ = overhead["MVF-R50"], overhead["TSN-R50"]
    lat = {(n, b, t): ms for n, b, t, ms in rows}
    print("\nMVF module overhead over plain TSN-R50 (same run):\n")
    print("| quantity | TSN-R50 | MVF-R50 | MVF / TSN |")
    print("| --- | --- | --- | --- |")
    print(f"| params | {p_['params']:,} | {m['params']:,} | {m['params'] / p_['params']:.4f} |")
    print(f"| GFLOPs (1 clip, as timed) | {p_['flops'] / 1e9:.3f} | {m['flops'] / 1e9:.3f} | "
          f"{m['flops'] / p_['flops']:.4f} |")
    if args.full_flops:
        print(f"| GFLOPs (16x224x224 clip) | {p_['full_flops'] / 1e9:.2f} | {m['full_flops'] / 1e9:.2f} | "
              f"{m['full_flops'] / p_['full_flops']:.4f} |")
    for backend, t in [(b, t) for n, b, t, _ in rows if n == "MVF-R50" and not b.startswith("torch")]:
        a, b = lat.get(("TSN-R50", backend, t)), lat.get(("MVF-R50", backend, t))
        if a and b:
            print(f"| latency ms, {backend}{f', {t} thr' if t else ''} | {a:.1f} | {b:.1f} | {b / a:.3f} |")


if __name__ == "__main__":
    main()
