"""`make bench`: params, FLOPs and per-sample CPU latency of ST-GCN on every deployment path, beside the
torch reference, measured in one run on the same input.

    python tools/benchmark.py --torch_ref ../alignment/STGCN_fsd10/torch_ref [--window 350 --threads 1 2]

FLOPs come from our own counter (paddle.flops crashes on 3.3): convolutions and the graph einsum, a
multiply-add counted as 2 FLOPs; BN, ReLU and pooling are left out. Latency: median of --repeats runs
after 2 warm-up runs, batch 1. The weights are random (speed does not depend on them).
"""
import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from typing import Callable, List

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
warnings.filterwarnings("ignore", message="No ccache found")  # Paddle's import-time note (issue 17)

import numpy as np
import paddle

from models import build_model
from models.stgcn import ConvTemporalGraphical
from utils.common import folder_path
from utils.config import load_config
from utils.export import export


def count_flops(model: paddle.nn.Layer, x: paddle.Tensor) -> int:
    """Conv and graph-einsum FLOPs of one forward (multiply-add = 2)."""
    total = [0]

    def conv_hook(layer, inputs, output):
        kh, kw = layer._kernel_size
        total[0] += 2 * int(np.prod(output.shape)) * (layer._in_channels // layer._groups) * kh * kw

    def graph_hook(layer, inputs, output):
        n, c, t, w = output.shape
        total[0] += 2 * n * c * t * w * layer.kernel_size * inputs[1].shape[1]

    hooks = [layer.register_forward_post_hook(graph_hook if isinstance(layer, ConvTemporalGraphical) else conv_hook)
             for layer in model.sublayers() if isinstance(layer, (paddle.nn.Conv2D, ConvTemporalGraphical))]
    with paddle.no_grad():
        model(x)
    for hook in hooks:
        hook.remove()
    return total[0]


def median_ms(run: Callable[[], object], repeats: int) -> float:
    for _ in range(2):
        run()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def paddle_predictor(model_dir: str, threads: int, mkldnn: bool):
    from paddle import inference
    config = inference.Config(os.path.join(model_dir, "model.json"), os.path.join(model_dir, "model.pdiparams"))
    config.disable_gpu()
    config.set_cpu_math_library_num_threads(threads)
    config.enable_mkldnn() if mkldnn else config.disable_mkldnn()
    predictor = inference.create_predictor(config)
    handle = predictor.get_input_handle(predictor.get_input_names()[0])
    output = predictor.get_output_handle(predictor.get_output_names()[0])

    def run(x: np.ndarray) -> np.ndarray:
        handle.reshape(x.shape)
        handle.copy_from_cpu(x)
        predictor.run()
        return output.copy_to_cpu()
    return run


def load_torch_ref(path: str):
    """alignment/<Folder>/torch_ref/st_gcn.py as `torch_ref.st_gcn` (the package's files import each other
    relatively), registered in sys.modules without touching sys.path."""
    import importlib
    import importlib.machinery
    import importlib.util
    package = importlib.util.module_from_spec(importlib.machinery.ModuleSpec("torch_ref", None, is_package=True))
    package.__path__ = [os.path.abspath(path)]
    sys.modules["torch_ref"] = package
    return importlib.import_module("torch_ref.st_gcn")


def measure(cfg: dict, model, torch_model, x: np.ndarray, threads_list: List[int], repeats: int) -> list:
    """(backend, threads, ms, ratio to torch) rows: dygraph, Paddle Inference with oneDNN on/off, ONNX Runtime and,
    when given, the torch reference, on the same input."""
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = os.path.join(tmp, "model.pdparams")
        paddle.save(model.state_dict(), ckpt)
        export(cfg, ckpt, tmp, onnx=True)
        import onnxruntime
        for threads in threads_list:
            paddle.base.core.set_num_threads(threads)  # dygraph's CPU math threads
            results = {}
            if torch_model is not None:
                import torch
                torch.set_num_threads(threads)
                xt = torch.from_numpy(x)
                with torch.no_grad():
                    results["torch reference (eager)"] = median_ms(lambda: torch_model(xt), repeats)
            xp = paddle.to_tensor(x)
            with paddle.no_grad():
                results["paddle dygraph"] = median_ms(lambda: model(xp), repeats)
            for mkldnn in (True, False):
                run = paddle_predictor(tmp, threads, mkldnn)
                results[f"paddle inference, mkldnn {'on' if mkldnn else 'off'}"] = median_ms(lambda: run(x),
                                                                                           repeats)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = threads
            session = onnxruntime.InferenceSession(os.path.join(tmp, "model.onnx"), options,
                                                   providers=["CPUExecutionProvider"])
            name = session.get_inputs()[0].name
            results["onnx runtime"] = median_ms(lambda: session.run(None, {name: x}), repeats)
            ref = results.get("torch reference (eager)")
            for backend, ms in results.items():
                rows.append((backend, threads, ms, ms / ref if ref else float("nan")))

    return rows


def main(argv: List[str] = None) -> None:
    p = argparse.ArgumentParser(description="ST-GCN CPU benchmark")
    p.add_argument("--config", default=folder_path("configs", "stgcn_fsd10.yaml"))
    p.add_argument("--torch_ref", default=None, help="alignment/STGCN_fsd10/torch_ref (adds the torch column)")
    p.add_argument("--window", type=int, default=350, help="frames per sample (official config: 350)")
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--repeats", type=int, default=5)
    args = p.parse_args(argv)
    cfg = load_config(args.config)
    paddle.set_device("cpu")
    paddle.seed(0)
    channels, classes = cfg["model"]["in_channels"], cfg["model"]["num_classes"]
    persons = cfg["data"]["num_person"]
    x = np.random.RandomState(0).uniform(-1, 1, (1, channels, args.window, 25, persons)).astype("float32")
    model = build_model(cfg["model"])
    model.eval()
    params = sum(int(p.size) for p in model.parameters() if not p.stop_gradient)
    flops = count_flops(model, paddle.to_tensor(x))

    torch_model = None
    if args.torch_ref:
        Model = load_torch_ref(args.torch_ref).Model
        torch_model = Model(in_channels=channels, num_class=classes, edge_importance_weighting=True,
                            graph_args={"layout": cfg["model"]["layout"], "strategy": "spatial"})
        torch_model.eval()

    rows = measure(cfg, model, torch_model, x, args.threads, args.repeats)
    print(f"\nST-GCN ({cfg['model']['layout']}, C={channels}, {classes} classes), input "
          f"[1, {channels}, {args.window}, 25, {persons}], CPU, batch 1")
    print(f"params: {params:,} (trainable; + BN running statistics) | FLOPs: {flops / 1e9:.2f} G "
          "(conv + graph einsum, multiply-add = 2)\n")
    print("| backend | threads | latency per sample (ms, median) | ratio to torch |")
    print("| --- | --- | --- | --- |")
    for backend, threads, ms, ratio in rows:
        print(f"| {backend} | {threads} | {ms:.1f} | {ratio:.2f} |")


if __name__ == "__main__":
    main()
