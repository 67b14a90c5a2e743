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


def bench_model(args) -> dict:
    """results.json's model part: params, gflops, latency_ms[path][threads], int8 speed/agreement."""
    import paddle
    from export_model import export

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
    weights = os.path.join(tmp, "w.pdparams")
    paddle.save(model.state_dict(), weights)
    export(cfg, weights, os.path.join(tmp, "export"), onnx=True)
    exp = os.path.join(tmp, "export")
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
    views = np.concatenate(calib)
    p32, p8 = fp32(views), int8(views)
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
    import cv2
    import paddle

    from datasets.pose_dataset import video_views
    from datasets.transforms import build_pipeline
    from datasets.video_pose import PoseModel, video_to_annotation
    from models import build_model
    from utils import in_root
    from utils.config import load_config
    from utils.inference import Options, create_paddle_predictor
    tmp_dir = tempfile.TemporaryDirectory()
    video = os.path.join(tmp_dir.name, "clip.mp4")
    writer = cv2.VideoWriter(video, cv2.VideoWriter_fourcc(*"mp4v"), 25.0, (320, 240))
    for t in range(250):
        img = np.full((240, 320, 3), 90, np.uint8)
        cx = 60 + t
        cv2.circle(img, (cx, 60), 12, (230, 230, 230), -1)
        cv2.line(img, (cx, 72), (cx, 150), (230, 230, 230), 5)
        cv2.line(img, (cx, 150), (cx - 20, 210), (230, 230, 230), 5)
        cv2.line(img, (cx, 150), (cx + 20, 210), (230, 230, 230), 5)
        writer.write(img)
    writer.release()
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
    (so ru_maxrss is this path's peak)."""
    import resource

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
            "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


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


def bench_data(args) -> dict:
    """The lite training pipeline's samples/s (one process, num_workers 0: train.py's default) on the mini data."""
    from datasets.mini import write_mini
    from datasets.pose_dataset import build_dataset
    from utils import in_root
    from utils.config import load_config
    cfg = load_config(in_root("configs", "posec3d_lite.yaml"))
    with tempfile.TemporaryDirectory() as tmp:
        ds = build_dataset(write_mini(os.path.join(tmp, "mini.pkl")), cfg, "train", seed=0)
        n = min(len(ds), 32)
        ds[0]
        t0 = time.perf_counter()
        for i in range(n):
            ds[i]
        s = time.perf_counter() - t0
    return {"pipeline": "lite train pipeline (UniformSampleFrames 8, crop 24, keypoint heatmaps), num_workers 0",
            "samples_per_s": round(n / s, 1)}


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
    if res.get("data"):
        lines += ["", f"Data: {res['data']['pipeline']}: {res['data']['samples_per_s']} samples/s"]
    v = res.get("video")
    if v:
        lines += ["", f"Video demo (predict.py --video, {v['clip']}): pose stage (MoveNet on {v['pose_backend']}) "
                  f"{v['pose_fps']:.1f} frames/s; action stage {v['views']} views, data {v['action_data_s']:.2f} s + "
                  f"model {v['action_model_s']:.2f} s = {v['action_fps']:.1f} video frames/s"]
    return "\n".join(lines)


def update_readme(block: str) -> None:
    import re

    from utils import in_root
    for name in ("README.md", "README_cn.md"):
        path = in_root(name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        new, n = re.subn(r"<!-- bench:start -->.*?<!-- bench:end -->",
                         lambda _: f"<!-- bench:start -->\n{block}\n<!-- bench:end -->", text, flags=re.S)
        if n != 1:
            raise SystemExit(f"error: no <!-- bench:start --> ... <!-- bench:end --> block, {path}, add one")
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
    p.add_argument("--conditions", default="2-core shared CPU machine, other jobs running: read ratios within "
                                           "this run only")
    p.add_argument("--lite_quality", default="top-1 agreement 1.000 on 12 videos, max |d softmax| 0.0135")
    p.add_argument("--update_readme", type=str2bool, default=False)
    p.add_argument("--pose_model", default=None, help="a MoveNet export (--with_decode True): the video demo's speed")
    p.add_argument("--only_train", action="store_true", help="only the train-step and data benchmarks; the other "
                                                             "figures are kept from the existing results.json")
    p.add_argument("--_train_child", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args._train_child:
        print(json.dumps(train_child(args._train_child, args.torch_ref, args.repeat)))
        return
    if args.only_train:
        path = os.path.join(args.out_dir, "results.json")
        with open(path, encoding="utf-8") as f:
            res = json.load(f)
        res["train_step"], res["data"] = bench_train(args), bench_data(args)
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
           "threads": args.threads, **bench_model(args), "train_step": bench_train(args), "data": bench_data(args),
           "conditions": args.conditions}
    res["int8"]["lite_quality"] = args.lite_quality
    if args.pose_model:
        res["video"] = bench_video(args)
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


if __name__ == "__main__":
    main()
