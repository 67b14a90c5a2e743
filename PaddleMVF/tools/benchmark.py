"""`make bench`: params, FLOPs, per-clip CPU latency of MVF on every deployment path, the training step and the
int8 model, beside the torch reference, all measured in one run on the same input.

    python tools/benchmark.py --torch_ref ../alignment/PaddleMVF/torch_ref [--segments 8 --side 112]
        [--threads 1 2] [--update_readme True]

Writes bench/results.json (the lead's schema) and bench/results.md; --update_readme True rewrites the block
between `<!-- bench:start -->` and `<!-- bench:end -->` in README.md and README_cn.md from results.json.
Latency: one clip (batch 1) of --segments frames at --side px, median of --repeat runs after --warmup.
Train step: forward + loss + backward + Momentum step at the lite batch (8 clips x 2 frames x 32 px).
FLOPs: our own counter over Conv/Linear layers, one multiply-add = 2 FLOPs. Weights are random (speed does not
depend on them); int8 agreement is measured with --quality_dir (an export of a trained model, e.g. the lite
chain's) on --quality_data (its clips).
"""
import argparse
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


def train_step(args, torch_ref) -> dict:
    """Samples/s of one training step at the lite batch, Paddle dygraph and torch_ref, same input."""
    cfg = load_config(from_root("configs/mvf_r50_lite.yaml"))
    b, t, s = cfg["train"]["batch_size"], cfg["model"]["num_segments"], cfg["data"]["crop_size"]
    x = np.random.RandomState(2).randn(b, t, 3, s, s).astype("float32")
    y = np.arange(b) % cfg["model"]["num_classes"]
    out = {}
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
    ms = median_ms(pstep, 1, args.train_repeat)
    out["paddle"] = {"batch": b, "samples_per_s": round(b * 1000 / ms, 2), "peak_rss_mb": rss_mb()}
    if torch_ref is not None:
        import torch
        torch.set_num_threads(max(args.threads))
        tm = torch_ref(cfg["model"]["num_classes"], t, 0.0)
        tm.train()
        topt = torch.optim.SGD(tm.parameters(), lr=1e-3, momentum=0.9)
        tx, ty = torch.from_numpy(x), torch.from_numpy(y)

        def tstep():
            loss = torch.nn.functional.cross_entropy(tm.forward_train(tx), ty)
            loss.backward()
            topt.step()
            topt.zero_grad()
        ms = median_ms(tstep, 1, args.train_repeat)
        out["torch"] = {"batch": b, "samples_per_s": round(b * 1000 / ms, 2), "peak_rss_mb": rss_mb()}
    print(f"train step: {out}", flush=True)
    return out


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
    if r["int8"]:
        q = r["int8"]
        lines += ["", f"int8 (ONNX Runtime, QDQ, tools/quantize.py) on {q['samples']} lite clips: top-1 agreement with "
                  f"fp32 {q['top1_agreement']}, max |softmax delta| {q['max_abs_softmax_delta']}."]
    return "\n".join(lines) + "\n"


def update_readme(md: str) -> None:
    for name in ("README.md", "README_cn.md"):
        path = from_root(name)
        text = open(path, encoding="utf-8").read()
        start, end = "<!-- bench:start -->", "<!-- bench:end -->"
        if start not in text or end not in text:
            print(f"{name}: no bench block, skipped")
            continue
        head, rest = text.split(start, 1)
        tail = rest.split(end, 1)[1]
        with open(path, "w", encoding="utf-8") as f:
            f.write(f"{head}{start}\n{md}{end}{tail}")
        print(f"{name}: bench block rewritten")


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
    p.add_argument("--conditions", default="shared 2-core CPU machine, other jobs running")
    p.add_argument("--update_readme", type=str2bool, default=False)
    args = p.parse_args()
    paddle.set_device("cpu")
    torch_ref = None
    if args.torch_ref:
        sys.path.insert(0, os.path.dirname(os.path.abspath(args.torch_ref)))
        from torch_ref import build_mvfnet as torch_ref
    cfg = bench_cfg(args.segments, args.side)
    torch_model = torch_ref(cfg["model"]["num_classes"], args.segments).eval() if torch_ref else None
    with tempfile.TemporaryDirectory(prefix="mvf_bench_") as tmp:
        lat, params, flops = latency(args, cfg, tmp, torch_model)
    result = {"model": "MVF", "input": f"1 clip x {args.segments} frames x {args.side}x{args.side}, batch 1",
              "threads": args.threads, "params": params, "gflops": round(flops / 1e9, 3), "latency_ms": lat,
              "train_step": train_step(args, torch_ref), "data": {}, "int8": int8_quality(args),
              "conditions": f"{args.conditions}; median of {args.repeat} after {args.warmup} warm-up; "
                            f"load average {os.getloadavg()[0]:.1f} at the end"}
    os.makedirs(from_root("bench"), exist_ok=True)
    with open(from_root("bench/results.json"), "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
    md = markdown(result)
    with open(from_root("bench/results.md"), "w", encoding="utf-8") as f:
        f.write("# MVF benchmark (tools/benchmark.py)\n\n" + md)
    print(md)
    if args.update_readme:
        update_readme(md)


if __name__ == "__main__":
    main()
