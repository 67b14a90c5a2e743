"""`make bench`: ST-GCN on every CPU path, beside the torch reference, measured in ONE run on the same input;
writes bench/results.json (the project's schema) and bench/results.md, and with --update_readme the block
between `<!-- bench:start -->` and `<!-- bench:end -->` of README.md and README_cn.md.

    python tools/benchmark.py --torch_ref ../alignment/STGCN_fsd10/torch_ref [--update_readme True]

- latency_ms: batch 1, input [1, 2, 350, 25, 1] (the official window), median of --repeats (5) runs after 2
  warm-up runs, at 1 and 2 threads: torch eager, Paddle dygraph, Paddle Inference oneDNN on/off, ONNX Runtime fp32 and
  int8 (tools/quantize.py, calibrated on generated samples through the config's pipeline). Random weights: speed
  does not depend on them.
- train_step: forward + cross-entropy + backward + Momentum step at the window and batch size of --train_config
  (the lite config: window 8, batch 8; at window 350 one step takes minutes on a loaded 2-core machine): torch,
  Paddle dygraph, Paddle dygraph under paddle.jit.to_static; each path in its own process (peak RSS is per
  process), median of --train_repeats steps after 2 warm-up steps, 1 thread. results.json names the window,
  batch and config ("train_window", "train_batch", "train_config").
- data: the training pipeline of --train_config (reader + AutoPadding + SkeletonNorm + DataLoader, its
  num_workers) in samples/s on generated FSD-10 files, beside the Paddle train step's samples/s.
- int8: agreement of int8 with fp32 ONNX Runtime on a lite-trained model (the lite config, trained here) over
  140 generated test samples: top-1 agreement, max |delta softmax|.
- --profile True (not part of `make bench`): per-operator time of Paddle Inference (oneDNN on) and ONNX Runtime on
  the same export, batch 1, window 350, 1 thread, and of one train step, Paddle dygraph vs torch (self time per
  operator); writes bench/profile.md and, with --update_readme, the README block between
  `<!-- profile:start -->` and `<!-- profile:end -->`.
The wall time of the run is printed at the end and stored in results.json ("wall_s" and "conditions").
FLOPs: our own count of convolutions and the graph einsum (multiply-add = 2 FLOPs; paddle.flops crashes on 3.3).
"""
import argparse
import contextlib
import io
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from typing import Callable, Dict, List

# run as `python tools/x.py` from the folder: make the folder's packages importable
FOLDER = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, FOLDER)
warnings.filterwarnings("ignore", message="No ccache found")  # Paddle's import-time note (issue 17)
os.environ.setdefault("GLOG_minloglevel", "3")

import numpy as np
import paddle

from datasets.mini import write_mini
from models import build_model
from models.stgcn import ConvTemporalGraphical
from utils.atomic_io import write_file_atomic
from utils.common import folder_path, quiet_stdout, str2bool
from utils.config import load_config
from utils.export import export

PATHS = ["torch", "paddle_dygraph", "paddle_inference_onednn", "paddle_inference_plain", "onnxruntime",
         "onnxruntime_int8"]
TRAIN_PATHS = ["torch", "paddle", "paddle_to_static"]
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
PROFILE_START, PROFILE_END = "<!-- profile:start -->", "<!-- profile:end -->"


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


def median_ms(run: Callable[[], object], repeats: int, warmup: int = 2) -> float:
    for _ in range(warmup):
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
    config.disable_glog_info()
    predictor = inference.create_predictor(config)
    handle = predictor.get_input_handle(predictor.get_input_names()[0])
    output = predictor.get_output_handle(predictor.get_output_names()[0])

    def run(x: np.ndarray) -> np.ndarray:
        handle.reshape(x.shape)
        handle.copy_from_cpu(x)
        with quiet_stdout(True):  # oneDNN passes print their names
            predictor.run()
        return output.copy_to_cpu()
    return run


def ort_session(path: str, threads: int):
    import onnxruntime
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.log_severity_level = 3
    session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    name = session.get_inputs()[0].name
    return lambda x: session.run(None, {name: x})[0]


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


def torch_model_of(cfg: dict, torch_ref: str):
    Model = load_torch_ref(torch_ref).Model
    return Model(in_channels=cfg["model"]["in_channels"], num_class=cfg["model"]["num_classes"],
                 edge_importance_weighting=True, graph_args={"layout": cfg["model"]["layout"], "strategy": "spatial"})


def calibration(cfg: dict, tmp: str, count: int = 32) -> List[np.ndarray]:
    """Generated FSD-10 samples through the config's test pipeline, [1, C, W, 25, M] each."""
    from datasets.transforms import build_transforms
    root = os.path.join(tmp, "calib")
    write_mini(root, num_train=count, num_test=1, frames=400, seed=3)
    transform = build_transforms(cfg)
    return [transform(s)[None].astype(np.float32) for s in np.load(os.path.join(root, "train_data.npy"))]


def measure_latency(cfg: dict, torch_ref: str, x: np.ndarray, threads_list: List[int], repeats: int) -> Dict:
    """{path: {"1": ms, "2": ms}} on the same input; the int8 model is quantised from this run's export."""
    from tools.quantize import quantize
    paddle.seed(0)
    model = build_model(cfg["model"])
    model.eval()
    torch_model = torch_model_of(cfg, torch_ref).eval() if torch_ref else None
    latency = {path: {} for path in PATHS}
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = os.path.join(tmp, "model.pdparams")
        paddle.save(model.state_dict(), ckpt)
        with contextlib.redirect_stdout(io.StringIO()):
            export(cfg, ckpt, tmp, onnx=True)
            quantize(tmp, calibration(cfg, tmp))
        model.softmax = True  # as exported
        for threads in threads_list:
            paddle.base.core.set_num_threads(threads)  # dygraph's CPU math threads
            key = str(threads)
            if torch_model is not None:
                import torch
                torch.set_num_threads(threads)
                xt = torch.from_numpy(x)
                with torch.no_grad():
                    latency["torch"][key] = median_ms(lambda: torch_model(xt), repeats)
            xp = paddle.to_tensor(x)
            with paddle.no_grad():
                latency["paddle_dygraph"][key] = median_ms(lambda: model(xp), repeats)
            for path, mkldnn in (("paddle_inference_onednn", True), ("paddle_inference_plain", False)):
                run = paddle_predictor(tmp, threads, mkldnn)
                latency[path][key] = median_ms(lambda: run(x), repeats)
            for path, name in (("onnxruntime", "model.onnx"), ("onnxruntime_int8", "model_int8.onnx")):
                run = ort_session(os.path.join(tmp, name), threads)
                latency[path][key] = median_ms(lambda: run(x), repeats)
    return {k: v for k, v in latency.items() if v}


def train_step_child(path: str, cfg_path: str, window: int, batch: int, repeats: int, torch_ref: str,
                     profile: bool = False) -> Dict:
    """One train path in this process: median step time -> samples/s, peak RSS (MB); with profile, also the
    self time per operator of --profile_steps further steps ("ops": [[name, ms per step, calls per step], ...])."""
    cfg = load_config(cfg_path)
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, (batch, cfg["model"]["in_channels"], window, 25, cfg["data"]["num_person"]))
    x = x.astype("float32")
    y = rng.randint(0, cfg["model"]["num_classes"], batch).astype("int64")
    lr, momentum, wd = 0.05, 0.9, 1e-4
    if path == "torch":
        import torch
        torch.set_num_threads(1)
        torch.manual_seed(0)
        model = torch_model_of(cfg, torch_ref)
        model.train()
        opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=momentum, weight_decay=wd)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)

        def step():
            opt.zero_grad()
            loss = torch.nn.functional.cross_entropy(model(xt), yt)
            loss.backward()
            opt.step()
    else:
        paddle.set_device("cpu")
        paddle.base.core.set_num_threads(1)
        paddle.seed(0)
        model = build_model(cfg["model"])
        model.train()
        opt = paddle.optimizer.Momentum(learning_rate=lr, momentum=momentum, parameters=model.parameters(),
                                        weight_decay=paddle.regularizer.L2Decay(wd))
        forward = paddle.jit.to_static(model, full_graph=True) if path == "paddle_to_static" else model
        xp, yp = paddle.to_tensor(x), paddle.to_tensor(y)

        def step():
            loss = paddle.nn.functional.cross_entropy(forward(xp), yp)
            loss.backward()
            opt.step()
            opt.clear_grad()
    ms = median_ms(step, repeats)
    out = {"batch": batch, "window": window, "samples_per_s": round(1000 * batch / ms, 2),
           "peak_rss_mb": round(peak_rss_mb(), 1)}
    if profile:
        out["step_ms"] = round(ms, 2)
        out["ops"] = torch_profile(step, PROFILE_RUNS) if path == "torch" else paddle_profile(step, PROFILE_RUNS)
    return out


PROFILE_RUNS = 3  # profiled runs per path (after the timed ones, so after warm-up)


def self_times(events: List[dict]) -> Dict[str, List[float]]:
    """{name: [self time us, calls]} of chrome-trace complete events: each event's duration minus that of the
    events nested directly inside it on the same thread (so nested kernels are not counted twice)."""
    out: Dict[str, List[float]] = {}
    by_thread: Dict[object, List[dict]] = {}
    for e in events:
        by_thread.setdefault(e.get("tid"), []).append(e)
    for evs in by_thread.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack: List[list] = []  # [end, name, self]

        def close(item):
            row = out.setdefault(item[1], [0.0, 0])
            row[0] += item[2]
            row[1] += 1
        for e in evs:
            while stack and stack[-1][0] <= e["ts"]:
                close(stack.pop())
            if stack:
                stack[-1][2] -= e["dur"]
            stack.append([e["ts"] + e["dur"], e["name"], e["dur"]])
        while stack:
            close(stack.pop())
    return out


def op_rows(times: Dict[str, List[float]], runs: int) -> List[list]:
    """[[name, ms per run, calls per run], ...], largest first."""
    rows = [[name, round(us / 1000 / runs, 3), round(calls / runs, 1)] for name, (us, calls) in times.items()]
    return sorted(rows, key=lambda r: -r[1])


def paddle_profile(run: Callable[[], object], runs: int) -> List[list]:
    """Self time per operator of `runs` calls under paddle.profiler (CPU): the trace's "Operator" events, the
    "[x us]"/"[x ms]" suffix that the exporter adds to names removed."""
    import re

    import paddle.profiler as profiler
    prof = profiler.Profiler(targets=[profiler.ProfilerTarget.CPU])
    prof.start()
    for _ in range(runs):
        run()
    prof.stop()
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trace.json")
        with contextlib.redirect_stdout(io.StringIO()):
            prof.export(path, format="json")
        with open(path, encoding="utf-8") as f:
            trace = json.load(f)
    events = trace["traceEvents"] if isinstance(trace, dict) else trace
    ops = [dict(e, name=re.sub(r"\[[0-9.]+ ?[num]?s\]$", "", e["name"]).strip()) for e in events
           if e.get("cat") == "Operator" and e.get("ph") == "X"]
    return op_rows(self_times(ops), runs)


def torch_profile(run: Callable[[], object], runs: int) -> List[list]:
    """Self CPU time per aten operator of `runs` calls under torch.profiler."""
    import torch.profiler
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        for _ in range(runs):
            run()
    times = {a.key: [a.self_cpu_time_total, a.count] for a in prof.key_averages()}
    return op_rows(times, runs)


def ort_profile(path: str, x: np.ndarray, runs: int) -> List[list]:
    """Kernel time per ONNX op type of `runs` calls (ORT's own profiler, after 2 warm-up runs), 1 thread."""
    import onnxruntime
    with tempfile.TemporaryDirectory() as tmp:
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = 1
        options.log_severity_level = 3
        options.enable_profiling = True
        options.profile_file_prefix = os.path.join(tmp, "ort")
        session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        name = session.get_inputs()[0].name
        for _ in range(2 + runs):  # the first runs of a profiled session warm it up: drop them below
            session.run(None, {name: x})
        with open(session.end_profiling(), encoding="utf-8") as f:
            events = json.load(f)
    runs_seen = [e for e in events if e.get("cat") == "Session" and e["name"] == "model_run"]
    start = runs_seen[2]["ts"] if len(runs_seen) > 2 else 0
    times: Dict[str, List[float]] = {}
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time") and e["ts"] >= start:
            row = times.setdefault(e["args"]["op_name"], [0.0, 0])
            row[0] += e["dur"]
            row[1] += 1
    return op_rows(times, runs)


def profile_inference(cfg: dict, x: np.ndarray) -> Dict:
    """Per-operator time of Paddle Inference (oneDNN on) and ONNX Runtime on the same export, 1 thread."""
    paddle.seed(0)
    model = build_model(cfg["model"])
    with tempfile.TemporaryDirectory() as tmp:
        ckpt = os.path.join(tmp, "model.pdparams")
        paddle.save(model.state_dict(), ckpt)
        with contextlib.redirect_stdout(io.StringIO()):
            export(cfg, ckpt, tmp, onnx=True)
        run = paddle_predictor(tmp, 1, True)
        median_ms(lambda: run(x), 3)  # warm-up (oneDNN primitive creation)
        out = {"paddle_inference_onednn": {"ms": round(median_ms(lambda: run(x), 3, warmup=0), 2),
                                           "ops": paddle_profile(lambda: run(x), PROFILE_RUNS)}}
        ort = ort_session(os.path.join(tmp, "model.onnx"), 1)
        out["onnxruntime"] = {"ms": round(median_ms(lambda: ort(x), 3), 2),
                              "ops": ort_profile(os.path.join(tmp, "model.onnx"), x, PROFILE_RUNS)}
    return out


def peak_rss_mb() -> float:
    """This process's peak RSS: VmHWM (ru_maxrss would carry the parent's peak over fork + exec)."""
    try:
        with open("/proc/self/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure_train(cfg_path: str, window: int, batch: int, repeats: int, torch_ref: str,
                  profile: bool = False) -> Dict:
    out = {}
    for path in TRAIN_PATHS:
        if path == "torch" and not torch_ref:
            continue
        if profile and path == "paddle_to_static":
            continue
        cmd = [sys.executable, os.path.abspath(__file__), "--_train_child", path, "--train_config", cfg_path,
               "--train_window", str(window), "--train_batch", str(batch), "--train_repeats", str(repeats),
               "--profile", str(profile)] + (["--torch_ref", torch_ref] if torch_ref else [])
        result = subprocess.run(cmd, capture_output=True, text=True, cwd=FOLDER,
                                env=dict(os.environ, OMP_NUM_THREADS="1"))
        if result.returncode != 0:
            raise RuntimeError(f"train step {path} failed: {result.stderr[-1500:]}")
        out[path] = json.loads(result.stdout.strip().splitlines()[-1])
    return out


def measure_data(cfg: dict, tmp: str, batch: int) -> Dict:
    """Samples/s of the training loader (the config's pipeline and num_workers) over generated files."""
    from datasets.fsd10 import build_loader
    from utils.engine import labelled_dataset
    root = os.path.join(tmp, "data")
    write_mini(root, num_train=140, num_test=1, frames=500, seed=4)
    dataset = labelled_dataset(cfg, root, "train", "train")
    workers = cfg["train"]["num_workers"]
    loader, _ = build_loader(dataset, batch, True, workers, drop_last=True, distributed=False)
    for _ in loader:  # warm-up epoch (page cache, worker start)
        break
    start, count = time.perf_counter(), 0
    for batch_data in loader:
        count += int(batch_data[0].shape[0])
    seconds = time.perf_counter() - start
    return {"samples_per_s": round(count / seconds, 1), "num_workers": workers, "batch": batch,
            "window": cfg["data"]["transforms"][0]["AutoPadding"]["window_size"]}


def measure_int8_quality(tmp: str) -> Dict:
    """Lite-train (the lite config, window 8), export, quantise on the training file; compare int8 with fp32 on
    140 generated test samples."""
    import importlib.util

    from datasets.transforms import build_transforms
    from tools.quantize import quantize
    root = os.path.join(tmp, "lite")
    write_mini(root, num_train=140, num_test=140, frames=120, seed=0)
    spec = importlib.util.spec_from_file_location("stgcn_bench_train", os.path.join(FOLDER, "train.py"))
    train = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(train)
    save = os.path.join(tmp, "lite_run")
    with contextlib.redirect_stdout(io.StringIO()):
        train.main([f"--config={folder_path('configs', 'stgcn_fsd10_lite.yaml')}", f"--dataset_root={root}",
                    "--device=cpu", f"--save_dir={save}", "--seed=0"])
        cfg = load_config(os.path.join(save, "best_model", "config.yaml"))
        export(cfg, os.path.join(save, "best_model", "model.pdparams"), os.path.join(tmp, "lite_export"), onnx=True)
    transform = build_transforms(cfg)
    calib = [transform(s)[None] for s in np.load(os.path.join(root, "train_data.npy"))[::4][:32]]
    quantize(os.path.join(tmp, "lite_export"), calib)
    x = np.stack([transform(s) for s in np.load(os.path.join(root, "test_A_data.npy"))]).astype(np.float32)
    fp32 = ort_session(os.path.join(tmp, "lite_export", "model.onnx"), 1)(x)
    int8 = ort_session(os.path.join(tmp, "lite_export", "model_int8.onnx"), 1)(x)
    return {"top1_agreement": round(float((fp32.argmax(1) == int8.argmax(1)).mean()), 4),
            "max_abs_delta_softmax": round(float(np.abs(fp32 - int8).max()), 4), "test_samples": len(x),
            "calibration_samples": len(calib), "format": "QDQ, uint8 activations, int8 weights, per-tensor, MinMax"}


def markdown(res: Dict) -> str:
    lat, threads = res["latency_ms"], [str(t) for t in res["threads"]]
    torch_ms = lat.get("torch", {})
    lines = [f"Input {res['input']}, batch 1, CPU; params {res['params']:,}, {res['gflops']:.2f} GFLOPs. "
             f"{res['conditions']}", "",
             "| path | " + " | ".join(f"{t} thread{'s' if t != '1' else ''} (ms)" for t in threads) + " | " +
             " | ".join(f"ratio to torch ({t})" for t in threads) + " |",
             "| --- |" + " --- |" * (2 * len(threads))]
    for path, row in lat.items():
        cells = [f"{row[t]:.1f}" if t in row else "-" for t in threads]
        ratios = [f"{row[t] / torch_ms[t]:.2f}" if t in row and t in torch_ms else "-" for t in threads]
        lines.append(f"| {path} | " + " | ".join(cells + ratios) + " |")
    if res.get("train_step"):
        ts = res["train_step"]
        ref = ts.get("torch", {}).get("samples_per_s")
        where = f" ({res['train_config']})" if res.get("train_config") else ""
        lines += ["", "Train step (forward, loss, backward, Momentum update), batch "
                  f"{next(iter(ts.values()))['batch']}, window {res['train_window']}{where}, 1 thread:", "",
                  "| path | samples/s | peak RSS (MB) | step time / torch's |", "| --- | --- | --- | --- |"]
        for path, row in ts.items():
            ratio = f"{ref / row['samples_per_s']:.2f}" if ref else "-"
            lines.append(f"| {path} | {row['samples_per_s']:.2f} | {row['peak_rss_mb']:.0f} | {ratio} |")
    if res.get("data"):
        d = res["data"]
        lines += ["", f"Data: the training pipeline delivers {d['samples_per_s']:.0f} samples/s (num_workers "
                  f"{d['num_workers']}, batch {d['batch']}, window {d['window']}), against "
                  f"{d.get('train_step_samples_per_s', float('nan')):.2f} samples/s consumed by the Paddle train "
                  "step."]
    if res.get("int8"):
        q = res["int8"]
        speed = "; ".join(f"{t} thread(s): int8 {lat['onnxruntime_int8'][t]:.1f} ms vs fp32 "
                          f"{lat['onnxruntime'][t]:.1f} ms ({lat['onnxruntime'][t] / lat['onnxruntime_int8'][t]:.2f}x)"
                          for t in threads if t in lat.get("onnxruntime_int8", {}))
        lines += ["", f"int8 (ONNX Runtime, {q['format']}): {speed}. Quality on {q['test_samples']} lite test "
                  f"samples of a lite-trained model: top-1 agreement with fp32 {q['top1_agreement']:.3f}, max "
                  f"|delta softmax| {q['max_abs_delta_softmax']:.3f}."]
    return "\n".join(lines) + "\n"


def update_readme(path: str, block: str, start: str = START, end: str = END) -> None:
    text = open(path, encoding="utf-8").read()
    if start not in text or end not in text:
        raise SystemExit(f"{path} has no {start} ... {end} block")
    head, rest = text.split(start, 1)
    tail = rest.split(end, 1)[1]
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(f"{head}{start}\n{block}{end}{tail}")
    os.replace(path + ".tmp", path)


def config_window_batch(cfg: dict) -> List[int]:
    return [cfg["data"]["transforms"][0]["AutoPadding"]["window_size"], cfg["train"]["batch_size"]]


def main(argv: List[str] = None) -> Dict:
    p = argparse.ArgumentParser(description="ST-GCN CPU benchmark")
    p.add_argument("--config", default=folder_path("configs", "stgcn_fsd10_w350.yaml"),
                   help="model and pipeline of the latency part (default: PaddleVideo's stgcn_fsd.yaml, window 350)")
    p.add_argument("--torch_ref", default=None, help="alignment/STGCN_fsd10/torch_ref (adds the torch rows)")
    p.add_argument("--window", type=int, default=350, help="frames per sample of the latency part (official: 350)")
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--repeats", type=int, default=5, help="timed runs per latency path (after 2 warm-ups)")
    p.add_argument("--train_config", default=folder_path("configs", "stgcn_fsd10_lite.yaml"),
                   help="config of the train-step and data parts (default: the lite config, window 8, batch 8)")
    p.add_argument("--train_window", type=int, default=None, help="train-step window (default: the train config's)")
    p.add_argument("--train_batch", type=int, default=None, help="train-step batch (default: the train config's)")
    p.add_argument("--train_repeats", type=int, default=10, help="timed train steps per path (after 2 warm-ups)")
    p.add_argument("--train", type=str2bool, default=True, help="the train-step, data and int8-quality parts")
    p.add_argument("--profile", type=str2bool, default=False,
                   help="only the per-operator profiles: writes <out_dir>/profile.json + profile.md (and with "
                        "--update_readme the README profile block)")
    p.add_argument("--out_dir", default=folder_path("bench"))
    p.add_argument("--update_readme", type=str2bool, default=False)
    p.add_argument("--render_only", type=str2bool, default=False,
                   help="measure nothing: rewrite results.md (and the README blocks) from <out_dir>/results.json")
    p.add_argument("--_train_child", default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.render_only:
        with open(os.path.join(args.out_dir, "results.json"), encoding="utf-8") as f:
            return render(json.load(f), args.out_dir, args.update_readme)
    train_cfg = load_config(args.train_config)
    window, batch = config_window_batch(train_cfg)
    window, batch = args.train_window or window, args.train_batch or batch
    if args._train_child:
        print(json.dumps(train_step_child(args._train_child, args.train_config, window, batch, args.train_repeats,
                                          args.torch_ref, args.profile)))
        return {}
    cfg = load_config(args.config)
    paddle.set_device("cpu")
    channels, persons = cfg["model"]["in_channels"], cfg["data"]["num_person"]
    shape = [1, channels, args.window, 25, persons]
    x = np.random.RandomState(0).uniform(-1, 1, shape).astype("float32")
    started = time.time()
    load = os.getloadavg()[0]
    if args.profile:
        return run_profile(cfg, args, x, window, batch, started, load)
    paddle.seed(0)
    model = build_model(cfg["model"])
    model.eval()
    res = {"model": "STGCN", "input": shape, "threads": args.threads,
           "params": sum(int(q.size) for q in model.parameters() if not q.stop_gradient),
           "gflops": round(count_flops(model, paddle.to_tensor(x)) / 1e9, 3),
           "latency_ms": {}, "train_step": {}, "data": {}, "int8": {}}
    res["latency_ms"] = {k: {t: round(v, 2) for t, v in row.items()} for k, row in
                         measure_latency(cfg, args.torch_ref, x, args.threads, args.repeats).items()}
    if args.train:
        res["train_window"], res["train_batch"] = window, batch
        res["train_config"] = os.path.relpath(os.path.abspath(args.train_config), FOLDER)
        res["train_step"] = measure_train(args.train_config, window, batch, args.train_repeats, args.torch_ref)
        with tempfile.TemporaryDirectory() as tmp:
            res["data"] = measure_data(train_cfg, tmp, batch)
            res["data"]["train_step_samples_per_s"] = res["train_step"]["paddle"]["samples_per_s"]
            res["int8"] = measure_int8_quality(tmp)
    res["wall_s"] = round(time.time() - started, 1)
    res["conditions"] = (f"One run of tools/benchmark.py ({res['wall_s']:.0f} s), {platform.machine()}, "
                         f"{machine_note(load)}; latency: median of {args.repeats} runs after 2 warm-ups; train "
                         f"step: median of {args.train_repeats} steps after 2 warm-ups; random weights.")
    os.makedirs(args.out_dir, exist_ok=True)
    write_file_atomic(os.path.join(args.out_dir, "results.json"), res)
    render(res, args.out_dir, args.update_readme)
    print(f"tools/benchmark.py: wall time {res['wall_s']:.0f} s")
    return res


def machine_note(load: float) -> str:
    """Cores, the load average at the start (given) and now, Paddle's version: the conditions of a run."""
    return (f"{os.cpu_count()} cores (load average {load:.1f} at the start, "
            f"{os.getloadavg()[0]:.1f} at the end), paddle {paddle.__version__}")


def run_profile(cfg: dict, args, x: np.ndarray, window: int, batch: int, started: float, load: float) -> Dict:
    res = {"input": list(x.shape), "inference": profile_inference(cfg, x), "train_window": window,
           "train_batch": batch, "train_config": os.path.relpath(os.path.abspath(args.train_config), FOLDER),
           "train": measure_train(args.train_config, window, batch, args.train_repeats, args.torch_ref, True)}
    res["wall_s"] = round(time.time() - started, 1)
    res["conditions"] = (f"One run of tools/benchmark.py --profile True ({res['wall_s']:.0f} s), "
                         f"{machine_note(load)}, 1 thread; op times are the mean of {PROFILE_RUNS} profiled runs "
                         "after the warm-up, self time (nested ops not counted twice).")
    os.makedirs(args.out_dir, exist_ok=True)
    write_file_atomic(os.path.join(args.out_dir, "profile.json"), res)
    block = profile_markdown(res)
    write_file_atomic(os.path.join(args.out_dir, "profile.md"),
                      f"# ST-GCN per-operator profile (generated by tools/benchmark.py --profile True)\n\n{block}"
                      .encode("utf-8"))
    print(block)
    if args.update_readme:
        for name in ("README.md", "README_cn.md"):
            update_readme(folder_path(name), block, PROFILE_START, PROFILE_END)
    print(f"tools/benchmark.py --profile: wall time {res['wall_s']:.0f} s")
    return res


def side_by_side(left: List[list], right: List[list], names: List[str], top: int) -> List[str]:
    """Two op tables next to each other: rank | op | ms | calls | share, for each side."""
    lines = [f"| # | {names[0]} op | ms | calls | share | {names[1]} op | ms | calls | share |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    totals = [sum(r[1] for r in side) or 1.0 for side in (left, right)]
    for i in range(min(top, max(len(left), len(right)))):
        cells = [str(i + 1)]
        for side, total in zip((left, right), totals):
            if i < len(side):
                name, ms, calls = side[i]
                cells += [f"`{name}`", f"{ms:.2f}", f"{calls:g}", f"{100 * ms / total:.1f}%"]
            else:
                cells += ["", "", "", ""]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append(f"| | total ({names[0]}) | {totals[0]:.1f} | | | total ({names[1]}) | {totals[1]:.1f} | | |")
    return lines


def profile_markdown(res: Dict) -> str:
    inf, tr = res["inference"], res["train"]
    pd_ms, ort_ms = inf["paddle_inference_onednn"]["ms"], inf["onnxruntime"]["ms"]
    lines = [res["conditions"], "",
             f"Inference, input {res['input']}, batch 1, 1 thread: Paddle Inference (oneDNN on) {pd_ms:.1f} ms, "
             f"ONNX Runtime {ort_ms:.1f} ms (ratio {pd_ms / ort_ms:.2f}, unprofiled medians of this run). Time per "
             "run by operator (Paddle: the predictor's ops after its oneDNN fusion passes; ORT: kernel time per ONNX "
             "op type):", ""]
    lines += side_by_side(inf["paddle_inference_onednn"]["ops"], inf["onnxruntime"]["ops"],
                          ["Paddle Inference", "ONNX Runtime"], 12)
    if "paddle" in tr and "torch" in tr:
        p, t = tr["paddle"], tr["torch"]
        lines += ["", f"Train step (forward, loss, backward, Momentum update), batch {res['train_batch']}, window "
                  f"{res['train_window']} ({res['train_config']}), 1 thread: Paddle dygraph {p['step_ms']:.1f} ms, "
                  f"torch {t['step_ms']:.1f} ms (ratio {p['step_ms'] / t['step_ms']:.2f}, unprofiled medians). Self "
                  "time per step by operator:", ""]
        lines += side_by_side(p["ops"], t["ops"], ["Paddle dygraph", "torch"], 15)
    return "\n".join(lines) + "\n"


def render(res: Dict, out_dir: str, readme: bool) -> Dict:
    """results.md from the results; with readme, the README.md / README_cn.md bench blocks too."""
    block = markdown(res)
    write_file_atomic(os.path.join(out_dir, "results.md"),
                      f"# ST-GCN benchmark (generated by tools/benchmark.py)\n\n{block}".encode("utf-8"))
    print(block)
    if readme:
        for name in ("README.md", "README_cn.md"):
            update_readme(folder_path(name), block)
    return res


if __name__ == "__main__":
    main()
