"""`make bench`: (1) GeneratePoseTarget, vectorised vs the plain per-keypoint reference, on 1- and 2-person
48x17x56x56 clips, one core; (2) params, FLOPs and per-view latency of the PoseC3D network in Paddle dygraph,
Paddle Inference (oneDNN on/off), ONNX Runtime and the torch reference, as a markdown table.
    python tools/benchmark.py --torch_ref ../alignment/PaddlePoseC3D/torch_ref
"""
from __future__ import annotations

import os
import sys
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay
# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse
import importlib.util
import tempfile
import time

import numpy as np


def reference_keypoint_heatmaps(kp: np.ndarray, score: np.ndarray, h: int, w: int, sigma: float = 0.6,
                                eps: float = 1e-4) -> np.ndarray:
    """Plain loops over frames, joints and persons, drawing each Gaussian in its 3-sigma window as mmaction2 0.x
    pose_loading.py GeneratePoseTarget.generate_a_heatmap does (float64 centres and patch, kept as the max in a
    float32 map); [T, K, H, W]. The yardstick for datasets.transforms.keypoint_heatmaps."""
    num_p, t, k = score.shape
    out = np.zeros((t, k, h, w), dtype=np.float32)
    for f in range(t):
        for j in range(k):
            heatmap = out[f, j]
            for m in range(num_p):
                value = score[m, f, j]
                if value < eps:
                    continue
                mu_x, mu_y = np.float64(kp[m, f, j, 0]), np.float64(kp[m, f, j, 1])
                st_x, ed_x = max(int(mu_x - 3 * sigma), 0), min(int(mu_x + 3 * sigma) + 1, w)
                st_y, ed_y = max(int(mu_y - 3 * sigma), 0), min(int(mu_y + 3 * sigma) + 1, h)
                x = np.arange(st_x, ed_x, 1, np.float64)
                y = np.arange(st_y, ed_y, 1, np.float64)[:, None]
                if not (len(x) and len(y)):
                    continue
                patch = np.exp(-((x - mu_x) ** 2 + (y - mu_y) ** 2) / 2 / sigma ** 2) * np.float64(value)
                heatmap[st_y:ed_y, st_x:ed_x] = np.maximum(heatmap[st_y:ed_y, st_x:ed_x], patch)
    return out


def random_clip(persons: int, t: int = 48, size: int = 56, seed: int = 0):
    """Keypoints as the pipeline hands them to GeneratePoseTarget: float64 (they turn float64 at the crop)."""
    rng = np.random.RandomState(seed)
    kp = rng.uniform(-2, size + 2, (persons, t, 17, 2))
    score = rng.uniform(0, 1, (persons, t, 17)).astype(np.float32)
    score[score < 0.05] = 0  # some undetected joints
    return kp, score


def median_ms(fn, repeat: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * float(np.median(times))


def bench_heatmaps(repeat: int) -> list[str]:
    from datasets.transforms import keypoint_heatmaps
    rows = ["| GeneratePoseTarget 48x17x56x56 | reference (ms/clip) | vectorised (ms/clip) | speed-up | max abs diff |",
            "| --- | --- | --- | --- | --- |"]
    for persons in (1, 2):
        kp, score = random_clip(persons)
        ref = median_ms(lambda: reference_keypoint_heatmaps(kp, score, 56, 56), max(3, repeat // 4), 1)
        vec = median_ms(lambda: keypoint_heatmaps(kp, score, 56, 56), repeat)
        diff = np.abs(reference_keypoint_heatmaps(kp, score, 56, 56) - keypoint_heatmaps(kp, score, 56, 56)).max()
        rows.append(f"| {persons} person(s) | {ref:.2f} | {vec:.2f} | {ref / vec:.1f}x | {diff:.1e} |")
    return rows


def count_flops(model, shape) -> int:
    """Conv3D and Linear multiply-adds x 2 (one multiply-add = 2 FLOPs); BN/ReLU/pooling ignored."""
    import paddle
    total = [0]

    def conv_hook(layer, inp, out):
        k = int(np.prod(layer.weight.shape[1:]))
        total[0] += 2 * k * int(np.prod(out.shape))

    def fc_hook(layer, inp, out):
        total[0] += 2 * int(layer.weight.shape[0]) * int(np.prod(out.shape))
    hooks = [m.register_forward_post_hook(conv_hook if isinstance(m, paddle.nn.Conv3D) else fc_hook)
             for m in model.sublayers() if isinstance(m, (paddle.nn.Conv3D, paddle.nn.Linear))]
    with paddle.no_grad():
        model(paddle.zeros(shape))
    for h in hooks:
        h.remove()
    return total[0]


def import_torch_ref(path: str):
    """The alignment's torch_ref package, loaded from its directory (--torch_ref)."""
    if "torch_ref" not in sys.modules:
        path = os.path.abspath(path)
        spec = importlib.util.spec_from_file_location("torch_ref", os.path.join(path, "__init__.py"),
                                                      submodule_search_locations=[path])
        sys.modules["torch_ref"] = module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    return sys.modules["torch_ref"]


def bench_model(args) -> list[str]:
    import paddle
    from export_model import SoftmaxWrapper
    from infer import create_ort_predictor, create_paddle_predictor

    from models import build_model
    from utils import in_root
    from utils.config import load_config
    paddle.set_device("cpu")
    cfg = load_config(in_root("configs", "posec3d_r50_ucf101_split1.yaml"))
    model = build_model(cfg["model"])
    model.eval()
    shape = [1, 17, 48, 56, 56]
    x = (np.random.RandomState(0).rand(*shape) ** 20).astype("float32")
    params = sum(int(p.size) for p in model.parameters() if not p.stop_gradient)
    flops = count_flops(model, shape)
    tmp_dir = tempfile.TemporaryDirectory()
    tmp = tmp_dir.name
    net = SoftmaxWrapper(model)
    net.eval()
    spec = [paddle.static.InputSpec([None, 17, None, 56, 56], "float32", "x")]
    paddle.jit.save(paddle.jit.to_static(net, input_spec=spec, full_graph=True), os.path.join(tmp, "model"))
    import paddle2onnx
    paddle2onnx.export(os.path.join(tmp, "model.json"), os.path.join(tmp, "model.pdiparams"),
                       os.path.join(tmp, "model.onnx"), opset_version=13)
    results = {}
    for threads in args.threads:
        if threads == int(os.environ["OMP_NUM_THREADS"]):  # dygraph's thread count is fixed at start-up
            xt = paddle.to_tensor(x)
            with paddle.no_grad():
                results[("Paddle dygraph", threads)] = median_ms(lambda: net(xt), args.repeat)
        for mkl in (True, False):
            ns = argparse.Namespace(use_gpu=False, use_tensorrt=False, cpu_threads=threads, enable_mkldnn=mkl,
                                    ir_optim=True, precision="fp32", batch_size=1, gpu_mem=0, verbose=False)
            run, _ = create_paddle_predictor(ns, os.path.join(tmp, "model.json"), os.path.join(tmp, "model.pdiparams"))
            results[(f"Paddle Inference, oneDNN {'on' if mkl else 'off'}", threads)] = median_ms(lambda: run(x),
                                                                                                   args.repeat)
        run, _ = create_ort_predictor(argparse.Namespace(cpu_threads=threads, verbose=False),
                                      os.path.join(tmp, "model.onnx"))
        results[("ONNX Runtime", threads)] = median_ms(lambda: run(x), args.repeat)
        if args.torch_ref:
            import torch
            torch.set_num_threads(threads)
            tm = import_torch_ref(args.torch_ref).build_torch_model(101).eval()
            xt_t = torch.from_numpy(x)
            with torch.no_grad():
                results[("torch reference", threads)] = median_ms(lambda: tm(xt_t), args.repeat)
    tmp_dir.cleanup()
    rows = [f"PoseC3D SlowOnly-R50, 101 classes: {params:,} parameters, {flops / 1e9:.2f} GFLOPs per view "
            f"(input {shape[1:]}, multiply-add = 2 FLOPs)", "",
            f"| backend | threads | ms / view (median of {args.repeat}) | ratio to torch |", "| --- | --- | --- | --- |"]
    for (name, threads), ms in results.items():
        ref = results.get(("torch reference", threads))
        rows.append(f"| {name} | {threads} | {ms:.1f} | {f'{ms / ref:.2f}' if ref else '-'} |")
    return rows


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--torch_ref", default=None, help="path of alignment/PaddlePoseC3D/torch_ref")
    p.add_argument("--repeat", type=int, default=10)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--skip_model", action="store_true", help="only the heatmap benchmark")
    args = p.parse_args()
    print("\n".join(bench_heatmaps(max(args.repeat, 20))))
    if not args.skip_model:
        print()
        print("\n".join(bench_model(args)))


if __name__ == "__main__":
    main()
