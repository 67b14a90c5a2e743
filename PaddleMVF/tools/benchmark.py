"""`make bench`: params, FLOPs, per-clip CPU latency of MVF on every deployment path, the training step and the
int8 model, beside the torch reference, all measured in one run on the same input.

    python tools/benchmark.py --torch_ref ../alignment/PaddleMVF/torch_ref [--segments 8 --side 112]
        [--threads 1 2] [--update_readme True] [--profile True]

Writes bench/results.json (the lead's schema) and bench/results.md; --update_readme True rewrites the block
between `<!-- bench:start -->` and `<!-- bench:end -->` in README.md and README_cn.md from results.json.
Latency: one clip (batch 1) of --segments frames at --side px, median of --repeat runs after --warmup.
Train step: forward + loss + backward + Momentum step at the lite batch (8 clips x 2 frames x 32 px).
FLOPs: our own counter over Conv/Linear layers, one multiply-add = 2 FLOPs. Weights are random (speed does not
depend on them); int8 agreement is measured with --quality_dir (an export of a trained model, e.g. the lite
chain's) on --quality_data (its clips).
Data ("data" in results.json): the lite training pipeline's samples/s (generated mini UCF-101, the config's
num_workers) against the training step, and the paper config's 30-view test pipeline: data seconds per video beside
30 x the fastest path's per-clip time. The wall time is printed at the end and stored (conditions, wall_s).
--profile True also writes bench/profile.md (and the README block between `<!-- profile:start -->` and
`<!-- profile:end -->`): the per-operator time of Paddle Inference (oneDNN) vs ONNX Runtime on the same export and
of one training step, Paddle dygraph vs torch.
"""
import argparse
import contextlib
import json
import os
import resource
import statistics
import sys
import tempfile
import time
import warnings

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
warnings.filterwarnings("ignore", message="No ccache found")  # Paddle's import-time note (issue 17)

import numpy as np
import paddle
import paddle.nn as nn
import paddle.nn.functional as F
from export_model import export
from infer import OnnxPredictor, PaddlePredictor
from infer import parse_args as infer_args

from models import SoftmaxRecognizer, build_model
from tools.quantize import quantize
from utils import from_root, str2bool
from utils.config import load_config

PATHS = ["torch", "paddle_dygraph", "paddle_inference_onednn", "paddle_inference_plain", "onnxruntime",
         "onnxruntime_int8"]


def count_flops(model: nn.Layer, x: paddle.Tensor) -> int:
    total = [0]

    def hook(layer, inputs, output):
        if isinstance(layer, (nn.Conv2D, nn.Conv3D)):
            total[0] += 2 * int(np.prod(output.shape)) * int(np.prod(layer.weight.shape[1:]))
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
    return round(statistics.median(times), 2)


def rss_mb() -> float:
    """This process's peak RSS: /proc/self/status VmHWM (ru_maxrss keeps the parent's peak across fork + exec)."""
    try:
        with open("/proc/self/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def bench_cfg(segments: int, side: int) -> dict:
    cfg = load_config(from_root("configs/mvf_r50_lite.yaml"))
    cfg["model"].update(num_segments=segments, fcn_testing=False)
    cfg["data"].update(clip_len=segments, test_clips=1, test_crop="center", crop_size=side, short_side=side)
    return cfg


def latency(args, cfg: dict, tmp: str, torch_model) -> tuple:
    """({path: {threads: ms}}, params, flops, export dir)."""
    x = np.random.RandomState(0).randn(1, args.segments, 3, args.side, args.side).astype("float32")
    paddle.seed(0)
    model = build_model(cfg["model"])
    model.eval()
    params = sum(int(np.prod(q.shape)) for q in model.parameters() if q.trainable)
    flops = count_flops(model, paddle.to_tensor(x))
    export(cfg, None, tmp, onnx=True)
    clips = np.random.RandomState(1).randn(8, args.segments, 3, args.side, args.side).astype("float32")
    np.save(os.path.join(tmp, "calib.npy"), clips)
    quantize(tmp, os.path.join(tmp, "calib.npy"), num_calib=8)
    net = SoftmaxRecognizer(model)
    net.eval()
    xt = paddle.to_tensor(x)
    out = {p: {} for p in PATHS}
    for t in args.threads:
        paddle.set_num_threads(t) if hasattr(paddle, "set_num_threads") else None
        runs = {"paddle_dygraph": paddle.no_grad()(lambda: net(xt))}
        for name, mk in (("paddle_inference_onednn", True), ("paddle_inference_plain", False)):
            pred = PaddlePredictor(infer_args(["-i", "x", "--cpu_threads", str(t), "--enable_mkldnn", str(mk),
                                               "--model_dir", tmp, "--backend", "paddle"]))
            runs[name] = lambda pred=pred: pred(x)
        for name, prec in (("onnxruntime", "fp32"), ("onnxruntime_int8", "int8")):
            pred = OnnxPredictor(infer_args(["-i", "x", "--cpu_threads", str(t), "--model_dir", tmp, "--precision",
                                             prec]))
            runs[name] = lambda pred=pred: pred(x)
        if torch_model is not None:
            import torch
            tx = torch.from_numpy(x)

            def trun(t=t):
                torch.set_num_threads(t)
                with torch.no_grad():
                    torch_model.forward_train(tx)
            runs["torch"] = trun
        for name, fn in runs.items():
            out[name][str(t)] = median_ms(fn, args.warmup, args.repeat)
            print(f"latency {name} {t} thread(s): {out[name][str(t)]} ms", flush=True)
    return {k: v for k, v in out.items() if v}, params, flops


def lite_train_steps(torch_ref) -> tuple:
    """(batch, paddle step, torch step or None): one training step (forward, loss, backward, Momentum update) at the
    lite batch on the same input, Paddle dygraph and torch_ref."""
    cfg = load_config(from_root("configs/mvf_r50_lite.yaml"))
    b, t, s = cfg["train"]["batch_size"], cfg["model"]["num_segments"], cfg["data"]["crop_size"]
    x = np.random.RandomState(2).randn(b, t, 3, s, s).astype("float32")
    y = np.arange(b) % cfg["model"]["num_classes"]
    paddle.seed(0)
    model = build_model(cfg["model"])
    model.train()
    opt = paddle.optimizer.Momentum(1e-3, 0.9, parameters=model.parameters())
    xt, yt = paddle.to_tensor(x), paddle.to_tensor(y)

    def pstep():
        loss = F.cross_entropy(model(xt).mean(axis=1), yt)
        loss.backward()
        opt.step()
        opt.clear_grad()
    if torch_ref is None:
        return b, pstep, None
    import torch
    tm = torch_ref(cfg["model"]["num_classes"], t, 0.0)
    tm.train()
    topt = torch.optim.SGD(tm.parameters(), lr=1e-3, momentum=0.9)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)

    def tstep():
        loss = torch.nn.functional.cross_entropy(tm.forward_train(tx), ty)
        loss.backward()
        topt.step()
        topt.zero_grad()
    return b, pstep, tstep


def train_step(args) -> dict:
    """Samples/s of one training step at the lite batch, Paddle dygraph and torch_ref, same input: each path in its
    own process at 1 thread (OMP_NUM_THREADS=1, like the other folders), so each peak RSS is that path's alone."""
    import subprocess
    out = {}
    for name in ("paddle", "torch"):
        if name == "torch" and not args.torch_ref:
            continue
        cmd = [sys.executable, os.path.abspath(__file__), "--_train_child", name, "--train_repeat",
               str(args.train_repeat)] + (["--torch_ref", args.torch_ref] if args.torch_ref else [])
        proc = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
        lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
        out[name] = json.loads(lines[-1]) if proc.returncode == 0 and lines else {"error": proc.stderr[-300:]}
    print(f"train step: {out}", flush=True)
    return out


def train_child(path: str, torch_ref, repeat: int) -> dict:
    """One path of train_step, in this (child) process: median step time after one warm-up step."""
    if torch_ref is not None:
        import torch
        torch.set_num_threads(1)
    b, pstep, tstep = lite_train_steps(torch_ref)
    ms = median_ms(pstep if path == "paddle" else tstep, 1, repeat)
    return {"batch": b, "threads": 1, "samples_per_s": round(b * 1000 / ms, 2), "ms_per_step": round(ms, 1),
            "peak_rss_mb": rss_mb()}


def data_pipeline(lat: dict, train: dict, threads: list) -> dict:
    """Issue 14 item 4: the lite training pipeline's samples/s at the config's default num_workers (generated mini
    UCF-101) against the training step, and the paper config's 30-view test pipeline: the data time of one video
    beside 30 x the per-clip model time of the fastest path measured above (at the bench input, see "input")."""
    from datasets.mini import generate
    from datasets.video import read_inputs
    from tools.build_file_list import main as build_lists
    from utils.engine import build_loaders
    with tempfile.TemporaryDirectory(prefix="mvf_bench_data_") as root:
        generate(root, seed=0)
        argv, sys.argv = sys.argv, ["build_file_list.py", "--dataset_root", root]
        try:
            with open(os.devnull, "w") as null, contextlib.redirect_stdout(null):
                build_lists()
        finally:
            sys.argv = argv
        cfg = load_config(from_root("configs/mvf_r50_lite.yaml"))
        cfg["data"]["dataset_root"] = root
        loader, _ = build_loaders(cfg, seed=0)
        t, n = time.perf_counter(), 0
        for imgs, _ in loader:
            n += imgs.shape[0]
        train_sps = n / (time.perf_counter() - t)
        paper = load_config(from_root("configs/mvf_r50_16x4_ucf101.yaml"))
        video = os.path.join(root, "rawframes", "MoveUp", "v_MoveUp_g01_c01")
        read_inputs(video, paper)  # warm-up (imports, first decode)
        times = []
        for _ in range(3):
            t = time.perf_counter()
            (_, clip), = read_inputs(video, paper)
            times.append(time.perf_counter() - t)
    views = paper["data"]["test_clips"] * 3 if paper["data"]["test_crop"] == "three" else paper["data"]["test_clips"]
    t1 = str(min(threads))
    best = min((v[t1], k) for k, v in lat.items() if t1 in v and k != "torch" and not k.endswith("int8"))
    step_sps = train.get("paddle", {}).get("samples_per_s")
    out = {"train_pipeline": {"num_workers": cfg["train"]["num_workers"], "batch": cfg["train"]["batch_size"],
                              "samples_per_s": round(train_sps, 2), "train_step_samples_per_s": step_sps,
                              "ratio_pipeline_to_step": round(train_sps / step_sps, 1) if step_sps else None},
           "test_pipeline": {"config": "configs/mvf_r50_16x4_ucf101.yaml", "views_per_video": views,
                             "clip_shape": list(clip.shape), "data_s_per_video": round(statistics.median(times), 3),
                             "model_path": best[1], "model_s_per_video_at_bench_input": round(views * best[0] / 1000, 2),
                             "threads": int(t1)}}
    print(f"data: {out}", flush=True)
    return out


def _top(totals: dict, runs: int, n: int = 10) -> list:
    """[(op, ms per run, share)] of the n largest totals (ms)."""
    whole = sum(totals.values()) or 1.0
    return [(k, round(v / runs, 3), round(v / whole, 3)) for k, v in sorted(totals.items(), key=lambda kv: -kv[1])[:n]]


def _paddle_op_ms(tmp: str, x: np.ndarray, runs: int) -> dict:
    """{op: total ms} of `runs` runs of a fresh Paddle Inference predictor (oneDNN, 1 thread) with
    Config.enable_profile(): its table, printed on the C++ stdout when the predictor is destroyed, is read back."""
    import re

    from paddle import inference
    model = os.path.join(tmp, "model.json" if os.path.isfile(os.path.join(tmp, "model.json")) else "model.pdmodel")
    cfg = inference.Config(model, os.path.join(tmp, "model.pdiparams"))
    cfg.disable_gpu()
    cfg.set_cpu_math_library_num_threads(1)
    cfg.enable_mkldnn()
    cfg.enable_profile()
    cfg.disable_glog_info()
    table = os.path.join(tmp, f"paddle_profile_{runs}.txt")
    sys.stdout.flush()
    saved = os.dup(1)
    with open(table, "w") as f:
        os.dup2(f.fileno(), 1)
        try:
            pred = inference.create_predictor(cfg)
            h = pred.get_input_handle(pred.get_input_names()[0])
            for _ in range(runs):
                h.copy_from_cpu(x)
                pred.run()
            del pred, h
        finally:
            os.dup2(saved, 1)
            os.close(saved)
    ops, in_events = {}, False
    for line in open(table, encoding="utf-8", errors="replace"):
        if "Event Summary" in line:
            if ops:
                break
            in_events = True
            continue
        m = re.match(r"^([A-Za-z]\S*)\s+(\d+)\s+([\d.e+-]+)\s", line) if in_events else None
        if m and m.group(1) != "Event":
            ops[m.group(1)] = ops.get(m.group(1), 0.0) + float(m.group(3))
    return ops


def _ort_op_ms(tmp: str, x: np.ndarray, runs: int) -> dict:
    """{op type: total ms} of `runs` runs of a fresh ONNX Runtime session (1 thread, enable_profiling)."""
    import onnxruntime as ort
    so = ort.SessionOptions()
    so.intra_op_num_threads = so.inter_op_num_threads = 1
    so.enable_profiling = True
    so.profile_file_prefix = os.path.join(tmp, f"ort_profile_{runs}")
    sess = ort.InferenceSession(os.path.join(tmp, "model.onnx"), so, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    for _ in range(runs):
        sess.run(None, {name: x})
    ops = {}
    for e in json.load(open(sess.end_profiling())):
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            ops[e["args"]["op_name"]] = ops.get(e["args"]["op_name"], 0.0) + e["dur"] / 1000
    return ops


def profile_inference(tmp: str, x: np.ndarray, runs: int) -> dict:
    """Per-operator time of Paddle Inference (oneDNN on) and ONNX Runtime on the same export, batch 1, 1 thread,
    steady state: the op totals of 1 + `runs` runs minus those of the first run alone (a fresh predictor/session
    each), so the first run's primitive creation is left out."""
    out = {"runs": runs}
    for key, fn in (("paddle_inference_onednn", _paddle_op_ms), ("onnxruntime", _ort_op_ms)):
        first, many = fn(tmp, x, 1), fn(tmp, x, 1 + runs)
        out[key] = _top({k: max(v - first.get(k, 0.0), 0.0) for k, v in many.items()}, runs)
    return out


def profile_train(torch_ref) -> dict:
    """Per-operator time of one lite training step (3 steps after 1 warm-up): Paddle dygraph (paddle.profiler,
    chrome trace, 'Operator' events: forward ops and grad nodes) and torch_ref (torch.profiler, self CPU time)."""
    import glob
    import re

    import paddle.profiler as profiler
    paddle.base.core.set_num_threads(1)  # both at 1 thread, as in train_step
    if torch_ref is not None:
        import torch
        torch.set_num_threads(1)
    _, pstep, tstep = lite_train_steps(torch_ref)
    pstep()
    out = {"steps": 3}
    with tempfile.TemporaryDirectory(prefix="mvf_bench_trace_") as d:
        prof = profiler.Profiler(targets=[profiler.ProfilerTarget.CPU], on_trace_ready=profiler.export_chrome_tracing(d))
        prof.start()
        for _ in range(3):
            pstep()
            prof.step()
        prof.stop()
        events = json.load(open(glob.glob(os.path.join(d, "*.json"))[0]))
    ops = {}
    for e in events["traceEvents"] if isinstance(events, dict) else events:
        if e.get("ph") == "X" and e.get("cat") == "Operator":
            op = re.sub(r"\[[^]]*\]$", "", e["name"]).strip()
            ops[op] = ops.get(op, 0.0) + e.get("dur", 0) / 1000
    out["paddle_dygraph"] = _top(ops, 3)
    if tstep is not None:
        tstep()
        with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as tp:
            for _ in range(3):
                tstep()
        out["torch"] = _top({a.key: a.self_cpu_time_total / 1000 for a in tp.key_averages()}, 3)
    return out


def profile_markdown(pr: dict, conditions: str) -> str:
    lines = [f"Per-operator profile (tools/benchmark.py --profile True); {conditions}", ""]
    for title, key_a, key_b, note in (
            (f"Inference, batch 1, 1 thread, same export, {pr['inference']['runs']} runs after the first",
             ("paddle_inference_onednn", pr["inference"]), ("onnxruntime", pr["inference"]), "ms per run"),
            ("Training step at the lite batch, 1 thread, 3 steps after 1 warm-up", ("paddle_dygraph", pr["train"]),
             ("torch", pr["train"]), "ms per step")):
        a, b = key_a[1].get(key_a[0], []), key_b[1].get(key_b[0], [])
        lines += [f"{title} ({note}, share of the profiled total):", "",
                  f"| {key_a[0]} op | ms | share | {key_b[0]} op | ms | share |", "| --- | --- | --- | --- | --- | --- |"]
        for i in range(max(len(a), len(b))):
            ca = list(a[i]) if i < len(a) else ["", "", ""]
            cb = list(b[i]) if i < len(b) else ["", "", ""]
            lines.append("| " + " | ".join(str(c) for c in ca + cb) + " |")
        lines.append("")
    return "\n".join(lines)


def int8_quality(args) -> dict:
    if not (args.quality_dir and args.quality_data):
        return {}
    from datasets.video import read_inputs
    from utils.config import config_beside
    quantize(args.quality_dir, args.quality_data, num_calib=32)
    clips = np.stack([c for _, c in read_inputs(args.quality_data, load_config(config_beside(args.quality_dir)))])
    fp = OnnxPredictor(infer_args(["-i", "x", "--model_dir", args.quality_dir]))
    q = OnnxPredictor(infer_args(["-i", "x", "--model_dir", args.quality_dir, "--precision", "int8"]))
    a = np.concatenate([fp(c[None]) for c in clips])
    b = np.concatenate([q(c[None]) for c in clips])
    return {"samples": int(len(clips)), "top1_agreement": round(float((a.argmax(1) == b.argmax(1)).mean()), 4),
            "max_abs_softmax_delta": round(float(np.abs(a - b).max()), 4), "model": args.quality_dir}


def markdown(r: dict) -> str:
    lat = r["latency_ms"]
    ref = lat.get("torch", {})
    lines = [f"Input: {r['input']}; {r['conditions']}", "",
             f"Params {r['params']:,}, {r['gflops']} GFLOPs per clip as timed.", "",
             "| path | " + " | ".join(f"ms, {t} thread(s) | vs torch" for t in r["threads"]) + " |",
             "| --- |" + " --- | --- |" * len(r["threads"])]
    for path, v in lat.items():
        cells = []
        for t in r["threads"]:
            ms = v.get(str(t))
            torch_ms = ref.get(str(t))
            cells += [f"{ms}" if ms else "-", f"{ms / torch_ms:.2f}" if ms and torch_ms else "-"]
        lines.append(f"| {path} | " + " | ".join(cells) + " |")
    lines += ["", "| training step | batch | samples/s | peak RSS MB |", "| --- | --- | --- | --- |"]
    for path, v in r["train_step"].items():
        lines.append(f"| {path} | {v['batch']} | {v['samples_per_s']} | {v['peak_rss_mb']} |")
    if r.get("data"):
        tp, te = r["data"]["train_pipeline"], r["data"]["test_pipeline"]
        lines += ["", f"Data: the lite training pipeline (num_workers {tp['num_workers']}, batch {tp['batch']}) gives "
                  f"{tp['samples_per_s']} samples/s against the training step's {tp['train_step_samples_per_s']} "
                  f"({tp['ratio_pipeline_to_step']}x): never the bottleneck. Paper test pipeline "
                  f"({te['views_per_video']} views, clips {te['clip_shape']}): {te['data_s_per_video']} s of data per "
                  f"video beside {te['model_s_per_video_at_bench_input']} s of model ({te['views_per_video']} x "
                  f"{te['model_path']}, {te['threads']} thread, at the bench input)."]
    if r["int8"]:
        q = r["int8"]
        lines += ["", f"int8 (ONNX Runtime, QDQ, tools/quantize.py) on {q['samples']} lite clips: top-1 agreement with "
                  f"fp32 {q['top1_agreement']}, max |softmax delta| {q['max_abs_softmax_delta']}."]
    return "\n".join(lines) + "\n"


def update_readme(md: str, block: str = "bench") -> None:
    for name in ("README.md", "README_cn.md"):
        path = from_root(name)
        text = open(path, encoding="utf-8").read()
        start, end = f"<!-- {block}:start -->", f"<!-- {block}:end -->"
        if start not in text or end not in text:
            print(f"{name}: no {block} block, skipped")
            continue
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"{head}{start}\n{md}{end}{tail}")
        print(f"{name}: {block} block rewritten")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--torch_ref", default=None, help="path of alignment/PaddleMVF/torch_ref")
    p.add_argument("--segments", type=int, default=8)
    p.add_argument("--side", type=int, default=112)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--train_repeat", type=int, default=5)
    p.add_argument("--quality_dir", default=None, help="export dir of a trained model for the int8 agreement")
    p.add_argument("--quality_data", default=None, help="clips for the int8 agreement (infer.py --input_file)")
    p.add_argument("--conditions",
                   default=f"{os.cpu_count()}-core CPU, load average {os.getloadavg()[0]:.1f} at the start")
    p.add_argument("--update_readme", type=str2bool, default=False)
    p.add_argument("--profile", type=str2bool, default=False,
                   help="per-operator profile of inference (Paddle Inference oneDNN vs ONNX Runtime) and of the "
                        "training step (Paddle vs torch): bench/profile.md (+ the README profile block)")
    p.add_argument("--_train_child", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    started = time.perf_counter()
    paddle.set_device("cpu")
    torch_ref = None
    if args.torch_ref:
        sys.path.insert(0, os.path.dirname(os.path.abspath(args.torch_ref)))
        from torch_ref import build_mvfnet as torch_ref
    if args._train_child:
        print(json.dumps(train_child(args._train_child, torch_ref, args.train_repeat)))
        return
    cfg = bench_cfg(args.segments, args.side)
    torch_model = torch_ref(cfg["model"]["num_classes"], args.segments).eval() if torch_ref else None
    with tempfile.TemporaryDirectory(prefix="mvf_bench_") as tmp:
        lat, params, flops = latency(args, cfg, tmp, torch_model)
        if args.profile:
            x = np.random.RandomState(0).randn(1, args.segments, 3, args.side, args.side).astype("float32")
            prof = {"inference": profile_inference(tmp, x, args.repeat)}
    train = train_step(args)
    result = {"model": "MVF", "input": f"1 clip x {args.segments} frames x {args.side}x{args.side}, batch 1",
              "threads": args.threads, "params": params, "gflops": round(flops / 1e9, 3), "latency_ms": lat,
              "train_step": train, "data": data_pipeline(lat, train, args.threads), "int8": int8_quality(args)}
    wall = time.perf_counter() - started
    result["conditions"] = (f"{args.conditions}; median of {args.repeat} after {args.warmup} warm-up; load average "
                            f"{os.getloadavg()[0]:.1f} at the end; wall {wall:.0f} s")
    result["wall_s"] = round(wall, 1)
    os.makedirs(from_root("bench"), exist_ok=True)
    with open(from_root("bench/results.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    md = markdown(result)
    with open(from_root("bench/results.md"), "w", encoding="utf-8") as f:
        f.write("# MVF benchmark (tools/benchmark.py)\n\n" + md)
    print(md)
    if args.update_readme:
        update_readme(md)
    if args.profile:
        prof["train"] = profile_train(torch_ref)
        pmd = profile_markdown(prof, f"input {result['input']}; load average {os.getloadavg()[0]:.1f}")
        with open(from_root("bench/profile.md"), "w", encoding="utf-8") as f:
            f.write("# MVF per-operator profile (tools/benchmark.py --profile True)\n\n" + pmd)
        print(pmd)
        if args.update_readme:
            update_readme(pmd, "profile")
    print(f"benchmark wall time: {wall:.0f} s")


if __name__ == "__main__":
    main()
