"""`make bench`: (1) GeneratePoseTarget, vectorised vs the plain per-keypoint reference, on 1- and 2-person
48x17x56x56 clips, one core; (2) params, FLOPs and per-view latency (batch 1, 1 and 2 threads) of the PoseC3D
network (random weights, exported as export_model.py does: BN folded) in Paddle dygraph, Paddle Inference (oneDNN
on/off), ONNX Runtime fp32 and int8 (tools/quantize.py, calibrated on 32 mini-data views) and the torch reference,
with the int8 output agreement on those views; (3) with --pose_model (a MoveNet export, --with_decode True) the video
demo's two stages on a synthetic 10-second 320x240 clip at 2 threads (issue 15): pose frames/s (tools/video_to_pose.py)
and the action stage (20 views, Paddle Inference oneDNN) in video frames/s. Writes bench/results.json
and bench/results.md; --update_readme True rewrites README.md's and README_cn.md's bench block from the json.
    python tools/benchmark.py --torch_ref ../alignment/PaddlePoseC3D/torch_ref [--update_readme True]
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


def random_export(model, cfg: dict, tmp: str) -> str:
    """export_model.py's export (BN folded, + model.onnx) of `model`'s weights into <tmp>/export."""
    import paddle
    from export_model import export
    weights = os.path.join(tmp, "w.pdparams")
    paddle.save(model.state_dict(), weights)
    export(cfg, weights, os.path.join(tmp, "export"), onnx=True)
    return os.path.join(tmp, "export")


def paddle_op_profile(model_file: str, params_file: str, x: np.ndarray, runs: int) -> dict:
    """{op: [calls per run, ms per run]} of Paddle Inference (oneDNN on, 1 thread) over `runs` runs after 2 warm-up
    runs: paddle.profiler around predictor.run(), its operator summary (all threads merged) parsed."""
    import contextlib
    import io
    import re

    import paddle.profiler as profiler

    from utils.inference import Options, create_paddle_predictor
    run, _ = create_paddle_predictor(Options(backend="paddle", enable_mkldnn=True, cpu_threads=1), model_file,
                                     params_file)
    for _ in range(2):
        run(x)
    prof = profiler.Profiler(targets=[profiler.ProfilerTarget.CPU])
    prof.start()
    for _ in range(runs):
        run(x)
        prof.step()
    prof.stop()
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        prof.summary(sorted_by=profiler.SortedKeys.CPUTotal, op_detail=False, thread_sep=False, time_unit="ms")
    text = buf.getvalue().split("Operator Summary", 1)[-1]
    ops = {}
    for m in re.finditer(r"^(\S+)\s+(\d+)\s+([\d.]+) / ", text, re.M):
        if m.group(1) not in ops:  # the first (merged) table only
            ops[m.group(1)] = [int(m.group(2)) / runs, float(m.group(3)) / runs]
    return ops


def ort_op_profile(onnx_file: str, x: np.ndarray, runs: int, tmp: str) -> dict:
    """{op type: [nodes run per run, ms per run]} of ONNX Runtime (1 thread) over `runs` runs after 2 warm-up runs:
    SessionOptions.enable_profiling, the per-node kernel events' `dur` summed by args.op_name."""
    import json

    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = opts.inter_op_num_threads = 1
    opts.log_severity_level = 3
    opts.enable_profiling = True
    opts.profile_file_prefix = os.path.join(tmp, "ort_profile")
    sess = ort.InferenceSession(onnx_file, opts, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    for _ in range(2 + runs):
        sess.run(None, {name: x})
    with open(sess.end_profiling(), encoding="utf-8") as f:
        events = json.load(f)
    starts = sorted(e["ts"] for e in events if e.get("name") == "model_run")
    begin = starts[2]  # the first timed run
    ops = {}
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time") and e["ts"] >= begin:
            v = ops.setdefault(e["args"]["op_name"], [0.0, 0.0])
            v[0] += 1 / runs
            v[1] += e["dur"] / 1000 / runs
    return ops


def bench_profile(args) -> dict:
    """Per-operator profile of the same export (random weights, BN folded), batch 1, 1 thread: Paddle Inference
    (oneDNN on) and ONNX Runtime, with each backend's wall time per run measured alongside."""
    import paddle

    from models import build_model
    from utils import in_root
    from utils.config import load_config
    from utils.inference import Options, create_ort_predictor, create_paddle_predictor
    paddle.set_device("cpu")
    paddle.seed(0)
    cfg = load_config(in_root("configs", "posec3d_r50_ucf101_split1.yaml"))
    model = build_model(cfg["model"])
    x = (np.random.RandomState(0).rand(1, 17, 48, 56, 56) ** 20).astype("float32")
    with tempfile.TemporaryDirectory() as tmp:
        exp = random_export(model, cfg, tmp)
        mf, pf, onnx = (os.path.join(exp, f) for f in ("model.json", "model.pdiparams", "model.onnx"))
        runs = args.profile_runs
        pd_ops = paddle_op_profile(mf, pf, x, runs)
        ort_ops = ort_op_profile(onnx, x, runs, tmp)
        run_pd, _ = create_paddle_predictor(Options(backend="paddle", cpu_threads=1), mf, pf)
        run_ort, _ = create_ort_predictor(onnx, 1)
        wall = {"paddle_inference_onednn": median_ms(lambda: run_pd(x), runs),
                "onnxruntime": median_ms(lambda: run_ort(x), runs)}
    return {"input": [1, 17, 48, 56, 56], "threads": 1, "runs": runs, "wall_ms": wall,
            "paddle_inference_onednn": pd_ops, "onnxruntime": ort_ops, "conditions": args.conditions,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def profile_markdown(prof: dict, top: int = 8) -> str:
    """The two top-`top` operator tables side by side (ms per run, share of the summed op time)."""
    w = prof["wall_ms"]
    lines = [f"Per-operator profile, {prof['date']}: the same export (random weights, BN folded), batch 1 "
             f"{prof['input']}, 1 thread, {prof['runs']} runs after 2 warm-ups; Paddle Inference oneDNN on "
             f"(paddle.profiler around predictor.run) vs ONNX Runtime (enable_profiling, node `dur` summed by "
             f"op_name); wall time per run {w['paddle_inference_onednn']:.1f} vs {w['onnxruntime']:.1f} ms "
             f"(Paddle / ORT {w['paddle_inference_onednn'] / w['onnxruntime']:.2f}); {prof['conditions']}", "",
             "| # | Paddle Inference op | calls/run | ms/run | share | ONNX Runtime op | nodes/run | ms/run | share |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    tables, sums = [], []
    for key in ("paddle_inference_onednn", "onnxruntime"):
        ops = prof[key]
        total = sum(v[1] for v in ops.values()) or 1.0
        rows = sorted(ops.items(), key=lambda kv: -kv[1][1])[:top]
        tables.append([f"{k} | {v[0]:g} | {v[1]:.1f} | {100 * v[1] / total:.1f} %" for k, v in rows])
        sums.append(f"all {len(ops)} op types | | {total:.1f} | 100 %")
    for i in range(max(len(t) for t in tables)):
        a, b = (t[i] if i < len(t) else " | | | " for t in tables)
        lines.append(f"| {i + 1} | {a} | {b} |")
    lines.append(f"| | {sums[0]} | {sums[1]} |")
    return "\n".join(lines)


def bench_model(args) -> dict:
    """results.json's model part: params, gflops, latency_ms[path][threads], int8 speed/agreement."""
    import paddle

    from datasets.mini import write_mini
    from models import build_model
    from tools.quantize import calibration_views, quantize
    from utils import in_root
    from utils.config import load_config
    from utils.inference import Options, create_ort_predictor, create_paddle_predictor
    paddle.set_device("cpu")
    paddle.seed(0)
    cfg = load_config(in_root("configs", "posec3d_r50_ucf101_split1.yaml"))
    model = build_model(cfg["model"])
    model.eval()
    shape = [1, 17, 48, 56, 56]
    x = (np.random.RandomState(0).rand(*shape) ** 20).astype("float32")
    params = sum(int(p.size) for p in model.parameters() if not p.stop_gradient)
    flops = count_flops(model, shape)
    tmp_dir = tempfile.TemporaryDirectory()
    tmp = tmp_dir.name
    exp = random_export(model, cfg, tmp)
    mini = write_mini(os.path.join(tmp, "data", "mini.pkl"))  # calibration views only: labels unused
    calib = calibration_views(exp, mini, 32)
    quantize(exp, calib)
    model_file, params_file = os.path.join(exp, "model.json"), os.path.join(exp, "model.pdiparams")
    lat = {}
    sm = paddle.nn.Softmax()
    for threads in args.threads:
        key = str(threads)
        if threads == int(os.environ["OMP_NUM_THREADS"]):  # dygraph's thread count is fixed at start-up
            xt = paddle.to_tensor(x)
            with paddle.no_grad():
                lat.setdefault("paddle_dygraph", {})[key] = median_ms(lambda: sm(model(xt)), args.repeat)
        for mkl, name in ((True, "paddle_inference_onednn"), (False, "paddle_inference_plain")):
            run, _ = create_paddle_predictor(Options(backend="paddle", enable_mkldnn=mkl, cpu_threads=threads),
                                             model_file, params_file)
            lat.setdefault(name, {})[key] = median_ms(lambda: run(x), args.repeat)
        for name, f in (("onnxruntime", "model.onnx"), ("onnxruntime_int8", "model_int8.onnx")):
            run, _ = create_ort_predictor(os.path.join(exp, f), threads)
            lat.setdefault(name, {})[key] = median_ms(lambda: run(x), args.repeat)
        if args.torch_ref:
            import torch
            torch.set_num_threads(threads)
            tm = import_torch_ref(args.torch_ref).build_torch_model(101).eval()
            xt_t = torch.from_numpy(x)
            with torch.no_grad():
                lat.setdefault("torch", {})[key] = median_ms(lambda: tm(xt_t), args.repeat)
    fp32, _ = create_ort_predictor(os.path.join(exp, "model.onnx"), max(args.threads))
    int8, _ = create_ort_predictor(os.path.join(exp, "model_int8.onnx"), max(args.threads))
    views = np.concatenate(calib)  # in batches of 4 views: one batch of 32 peaks at ~11 GB RSS
    p32 = np.concatenate([fp32(views[i:i + 4]) for i in range(0, len(views), 4)])
    p8 = np.concatenate([int8(views[i:i + 4]) for i in range(0, len(views), 4)])
    tmp_dir.cleanup()
    speed = {k: lat["onnxruntime"][k] / lat["onnxruntime_int8"][k] for k in lat["onnxruntime"]}
    return {"params": params, "gflops": round(flops / 1e9, 2), "latency_ms": lat,
            "int8": {"speedup_vs_onnxruntime_fp32": speed, "calibration_views": len(calib),
                     "top1_agreement_random_weights": float((p32.argmax(1) == p8.argmax(1)).mean()),
                     "max_abs_delta_softmax_random_weights": float(np.abs(p32 - p8).max()),
                     "note": "random-weight R50 on the 32 calibration views (near-uniform softmax); the quality "
                             "on a trained model is tests/test_precision.py's lite-split agreement"}}


PATH_NAMES = {"torch": "torch reference", "paddle_dygraph": "Paddle dygraph",
              "paddle_inference_onednn": "Paddle Inference, oneDNN on", "paddle_inference_plain":
              "Paddle Inference, oneDNN off", "onnxruntime": "ONNX Runtime fp32",
              "onnxruntime_int8": "ONNX Runtime int8 (QDQ)"}


def bench_video(args) -> dict:
    """Pose stage and action stage of predict.py --video on a synthetic 10 s 320x240 clip (25 fps), 2 threads."""
    import paddle

    from datasets.mini import write_stick_video
    from datasets.pose_dataset import video_views
    from datasets.transforms import build_pipeline
    from datasets.video_pose import PoseModel, video_to_annotation
    from models import build_model
    from utils import in_root
    from utils.config import load_config
    from utils.inference import Options, create_paddle_predictor
    tmp_dir = tempfile.TemporaryDirectory()
    video = os.path.join(tmp_dir.name, "clip.mp4")
    write_stick_video(video, 250)
    pose = PoseModel(args.pose_model, "auto", 2)
    t0 = time.perf_counter()
    ann, _ = video_to_annotation(video, pose, progress=False)
    pose_s = time.perf_counter() - t0
    cfg = load_config(in_root("configs", "posec3d_r50_ucf101_split1.yaml"))
    model = build_model(cfg["model"])
    weights = os.path.join(tmp_dir.name, "w.pdparams")
    paddle.save(model.state_dict(), weights)
    from export_model import export
    export(cfg, weights, os.path.join(tmp_dir.name, "export"))
    exp = os.path.join(tmp_dir.name, "export")
    run, _ = create_paddle_predictor(Options(backend="paddle", cpu_threads=2), os.path.join(exp, "model.json"),
                                     os.path.join(exp, "model.pdiparams"))
    pipeline = build_pipeline(cfg["data"], "test")
    t0 = time.perf_counter()
    views = video_views(pipeline, ann)
    data_s = time.perf_counter() - t0
    run(views[:1])
    t0 = time.perf_counter()
    run(views)
    model_s = time.perf_counter() - t0
    tmp_dir.cleanup()
    frames = ann["total_frames"]
    return {"clip": "10 s, 320x240, 25 fps (250 frames), 2 threads", "pose_backend": pose.backend,
            "pose_fps": frames / pose_s, "action_data_s": data_s, "action_model_s": model_s, "views": len(views),
            "action_fps": frames / (data_s + model_s)}


TRAIN_PATHS = ("paddle", "paddle_to_static", "torch")


def train_child(path: str, torch_ref: str | None, steps: int) -> dict:
    """One training step (forward, cross-entropy, backward, SGD-momentum step with L2 and global-norm clipping) of
    the lite config's network at its batch size, median over `steps` after 3 warm-up steps, in this process alone
    (so its peak RSS is this path's)."""
    from utils import in_root
    from utils.config import load_config
    cfg = load_config(in_root("configs", "posec3d_lite.yaml"))
    m, d, t = cfg["model"], cfg["data"], cfg["train"]
    batch = t["batch_size"]
    rng = np.random.RandomState(0)
    x = (rng.rand(batch, m["in_channels"], d["clip_len"], d["train_size"], d["train_size"]) ** 20).astype("float32")
    y = rng.randint(0, m["num_classes"], batch).astype("int64")
    if path == "torch":
        import torch
        torch.manual_seed(0)
        net = import_torch_ref(torch_ref).build_torch_model(m["num_classes"], m["depth"], m["base_channels"])
        net.train()
        opt = torch.optim.SGD(net.parameters(), lr=0.01, momentum=t["momentum"], weight_decay=t["weight_decay"])
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)

        def step():
            loss = torch.nn.functional.cross_entropy(net(xt), yt)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(net.parameters(), t["clip_norm"])
            opt.step()
    else:
        import paddle

        from models import build_model
        from utils.engine import build_optimizer
        paddle.set_device("cpu")
        paddle.seed(0)
        net = build_model(m)
        net.train()
        _, opt = build_optimizer(net, t, 0.01, 100)
        fwd = paddle.jit.to_static(net, full_graph=True) if path == "paddle_to_static" else net
        xt, yt = paddle.to_tensor(x), paddle.to_tensor(y)

        def step():
            loss = paddle.nn.functional.cross_entropy(fwd(xt), yt)
            loss.backward()
            opt.step()
            opt.clear_grad()
    ms = median_ms(step, steps, warmup=3)
    return {"batch": batch, "samples_per_s": round(1000 * batch / ms, 2), "ms_per_step": round(ms, 1),
            "peak_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak RSS: /proc/self/status VmHWM (ru_maxrss keeps the parent's peak across fork + exec)."""
    try:
        with open("/proc/self/status", encoding="utf-8") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    import resource
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def bench_train(args) -> dict:
    """train_step[path] for paddle, paddle_to_static (and torch with --torch_ref), each in its own process."""
    import json
    import subprocess
    out = {}
    for path in TRAIN_PATHS:
        if path == "torch" and not args.torch_ref:
            continue
        cmd = [sys.executable, os.path.abspath(__file__), "--_train_child", path, "--repeat", str(args.repeat)]
        if args.torch_ref:
            cmd += ["--torch_ref", args.torch_ref]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS="1"))
        lines = [x for x in proc.stdout.splitlines() if x.startswith("{")]
        out[path] = json.loads(lines[-1]) if proc.returncode == 0 and lines else {"error": proc.stderr[-300:]}
    return out


def bench_data(args, latency_ms: dict | None = None) -> dict:
    """The lite training pipeline's samples/s (one process, num_workers 0: train.py's default) on the mini data, and
    the full test pipeline's time per video (10 clips x 2 flips = 20 views of 48x56x56, one core) beside the
    model's time for those 20 views (20 x the default path's 1-thread latency of this run)."""
    from datasets.mini import write_mini
    from datasets.pose_dataset import build_dataset, load_split, video_views
    from datasets.transforms import build_pipeline
    from utils import in_root
    from utils.config import load_config
    cfg = load_config(in_root("configs", "posec3d_lite.yaml"))
    full = load_config(in_root("configs", "posec3d_r50_ucf101_split1.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        mini = write_mini(os.path.join(tmp, "mini.pkl"))
        ds = build_dataset(mini, cfg, "train", seed=0)
        n = min(len(ds), 32)
        ds[0]
        t0 = time.perf_counter()
        for i in range(n):
            ds[i]
        s = time.perf_counter() - t0
        anns = load_split(mini, cfg["data"]["test_split"])[:8]
        pipeline = build_pipeline(full["data"], "test")
        video_views(pipeline, anns[0])
        t0 = time.perf_counter()
        views = [video_views(pipeline, a) for a in anns]
        per_video = (time.perf_counter() - t0) / len(anns)
    out = {"pipeline": "lite train pipeline (UniformSampleFrames 8, crop 24, keypoint heatmaps), num_workers 0",
           "samples_per_s": round(n / s, 1),
           "test_pipeline": f"full test pipeline, {len(views[0])} views of {list(views[0].shape[1:])} per video "
                            f"(mini videos, {len(anns)} timed)", "test_data_s_per_video": round(per_video, 3)}
    ms = (latency_ms or {}).get("paddle_inference_onednn", {}).get("1")
    if ms:
        out["test_model_s_per_video"] = round(len(views[0]) * ms / 1000, 2)
    return out


def markdown(res: dict) -> str:
    """The README block: the latency table (ratios to torch from the same run) and the int8 line."""
    threads = [str(t) for t in res["threads"]]
    lines = [f"SlowOnly-R50, 101 classes: {res['params']:,} parameters, {res['gflops']} GFLOPs per view of "
             f"{res['input']} (multiply-add = 2 FLOPs); ms per view, batch 1, median; {res['conditions']}", "",
             "| path | " + " | ".join(f"{t} thread{'s' if t != '1' else ''} (ms) | ratio to torch" for t in threads)
             + " |", "| --- |" + " --- | --- |" * len(threads)]
    lat = res["latency_ms"]
    for path, name in PATH_NAMES.items():
        if path not in lat:
            continue
        cells = []
        for t in threads:
            ms, ref = lat[path].get(t), lat.get("torch", {}).get(t)
            cells += [f"{ms:.1f}" if ms else "-", f"{ms / ref:.2f}" if ms and ref else "-"]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    q = res.get("int8")
    if q:
        lines += ["", "int8 (ONNX Runtime, QDQ, per-tensor, 32 calibration views) vs fp32 ONNX Runtime: "
                  + ", ".join(f"{v:.2f}x at {t} thread{'s' if t != '1' else ''}"
                              for t, v in q["speedup_vs_onnxruntime_fp32"].items())
                  + f"; on a trained model (tests/test_precision.py, the lite split): {q.get('lite_quality', '-')}"]
    tr = {k: v for k, v in res.get("train_step", {}).items() if "samples_per_s" in v}
    if tr:
        ref = tr.get("torch", {}).get("ms_per_step")
        lines += ["", "| train step (lite net, batch %d, 1 thread) | ms / step | samples/s | peak RSS (MB) | ratio to torch |"
                  % next(iter(tr.values()))["batch"], "| --- | --- | --- | --- | --- |"]
        for k, v in tr.items():
            lines.append(f"| {k} | {v['ms_per_step']} | {v['samples_per_s']} | {v['peak_rss_mb']} | "
                         f"{v['ms_per_step'] / ref:.2f} |" if ref else f"| {k} | {v['ms_per_step']} | "
                         f"{v['samples_per_s']} | {v['peak_rss_mb']} | - |")
    d = res.get("data")
    if d:
        lines += ["", f"Data: {d['pipeline']}: {d['samples_per_s']} samples/s"]
        if "test_data_s_per_video" in d:
            lines[-1] += (f"; test time, {d['test_pipeline']}: data {d['test_data_s_per_video']:.2f} s per video"
                          + (f" vs model {d['test_model_s_per_video']:.2f} s (20 x the oneDNN 1-thread latency)"
                             if "test_model_s_per_video" in d else ""))
    v = res.get("video")
    if v:
        lines += ["", f"Video demo (predict.py --video, {v['clip']}): pose stage (MoveNet on {v['pose_backend']}) "
                  f"{v['pose_fps']:.1f} frames/s; action stage {v['views']} views, data {v['action_data_s']:.2f} s + "
                  f"model {v['action_model_s']:.2f} s = {v['action_fps']:.1f} video frames/s"]
    return "\n".join(lines)


def update_readme(block: str, tag: str = "bench") -> None:
    import re

    from utils import in_root
    for name in ("README.md", "README_cn.md"):
        path = in_root(name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new, n = re.subn(rf"<!-- {tag}:start -->.*?<!-- {tag}:end -->",
                         lambda _: f"<!-- {tag}:start -->\n{block}\n<!-- {tag}:end -->", text, flags=re.S)
        if n != 1:
            raise SystemExit(f"error: no <!-- {tag}:start --> ... <!-- {tag}:end --> block, {path}, add one")
        with open(path, "w", encoding="utf-8") as f:
            f.write(new)


def main():
    import json

    from utils import in_root, str2bool
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--torch_ref", default=None, help="path of alignment/PaddlePoseC3D/torch_ref")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    p.add_argument("--skip_model", action="store_true", help="only the heatmap benchmark")
    p.add_argument("--out_dir", default=in_root("bench"))
    p.add_argument("--conditions", default=f"{os.cpu_count()}-core CPU, load average {os.getloadavg()[0]:.1f} at the "
                                           "start: read ratios within "
                                           "this run only")
    p.add_argument("--lite_quality", default="top-1 agreement 1.000 on 12 videos, max |d softmax| 0.0135")
    p.add_argument("--update_readme", type=str2bool, default=False)
    p.add_argument("--pose_model", default=None, help="a MoveNet export (--with_decode True): the video demo's speed")
    p.add_argument("--only_train", action="store_true", help="only the train-step and data benchmarks; the other "
                                                             "figures are kept from the existing results.json")
    p.add_argument("--profile", type=str2bool, default=False,
                   help="only the per-operator profile (Paddle Inference oneDNN vs ONNX Runtime, batch 1, 1 thread): "
                        "writes bench/profile.md (and the README profile block with --update_readme True)")
    p.add_argument("--profile_runs", type=int, default=5)
    p.add_argument("--_train_child", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args._train_child:
        print(json.dumps(train_child(args._train_child, args.torch_ref, args.repeat)))
        return
    start = time.perf_counter()
    if args.profile:
        prof = bench_profile(args)
        block = profile_markdown(prof)
        os.makedirs(args.out_dir, exist_ok=True)
        with open(os.path.join(args.out_dir, "profile.json"), "w", encoding="utf-8") as f:
            json.dump(prof, f, indent=1)
        with open(os.path.join(args.out_dir, "profile.md"), "w", encoding="utf-8") as f:
            f.write(block + "\n")
        print(block)
        if args.update_readme:
            update_readme(block, "profile")
        print(f"benchmark wall time: {time.perf_counter() - start:.0f} s")
        return
    if args.only_train:
        path = os.path.join(args.out_dir, "results.json")
        with open(path, encoding="utf-8") as f:
            res = json.load(f)
        res["train_step"], res["data"] = bench_train(args), bench_data(args, res["latency_ms"])
        with open(path, "w", encoding="utf-8") as f:
            json.dump(res, f, indent=1)
        block = markdown(res)
        with open(os.path.join(args.out_dir, "results.md"), "w", encoding="utf-8") as f:
            f.write(block + "\n")
        print(block)
        if args.update_readme:
            update_readme(block)
        return
    print("\n".join(bench_heatmaps(max(args.repeat, 20))))
    if args.skip_model:
        return
    res = {"model": "PoseC3D SlowOnly-R50 (UCF-101, 101 classes)", "input": [17, 48, 56, 56],
           "threads": args.threads, **bench_model(args), "train_step": bench_train(args)}
    res["data"] = bench_data(args, res["latency_ms"])
    res["int8"]["lite_quality"] = args.lite_quality
    if args.pose_model:
        res["video"] = bench_video(args)
    else:  # the video demo needs a MoveNet export: keep the last run's figures, marked as such
        old = os.path.join(args.out_dir, "results.json")
        if os.path.isfile(old):
            with open(old, encoding="utf-8") as f:
                prev = json.load(f).get("video")
            if prev:
                res["video"] = dict(prev, kept="from an earlier run with --pose_model (not re-measured)")
    wall = time.perf_counter() - start
    res["conditions"] = (f"{args.conditions}; load average {os.getloadavg()[0]:.1f} at the end; benchmark wall time "
                         f"{wall:.0f} s")
    os.makedirs(args.out_dir, exist_ok=True)
    with open(os.path.join(args.out_dir, "results.json"), "w", encoding="utf-8") as f:
        json.dump(res, f, indent=1)
    block = markdown(res)
    with open(os.path.join(args.out_dir, "results.md"), "w", encoding="utf-8") as f:
        f.write(block + "\n")
    print()
    print(block)
    if args.update_readme:
        update_readme(block)
    print(f"benchmark wall time: {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
