#!/usr/bin/env python3
"""Gather every folder's bench/results.json (written by its tools/benchmark.py) into
bench/results.json and the speed table of the top-level README (between the
`<!-- bench:start -->` and `<!-- bench:end -->` markers): generated, never typed.

    python tools/bench_report.py          (the last step of `make bench`)
"""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ["STGCN_fsd10", "PaddlePoseC3D", "paddle_EfficientGCN", "PaddleMVF", "MoveNet"]
PATHS = [("torch", "torch reference"), ("paddle_dygraph", "Paddle dygraph"),
         ("paddle_inference_onednn", "Paddle Inference oneDNN"), ("paddle_inference_plain", "oneDNN off"),
         ("onnxruntime", "ONNX Runtime"), ("onnxruntime_int8", "ORT int8")]
TRAIN = [("torch", "torch"), ("paddle", "Paddle"), ("paddle_to_static", "Paddle to_static")]


def cell(value, reference) -> str:
    if value is None:
        return "–"
    if reference:
        return f"{value:.2f} ({value / reference:.2f})"
    return f"{value:.2f}"


def latency_table(results: dict, threads: str) -> list:
    head = "| model (input) | " + " | ".join(name for _, name in PATHS) + " |"
    rows = [head, "|" + " --- |" * (len(PATHS) + 1)]
    for folder, r in results.items():
        lat = r.get("latency_ms", {})
        ref = lat.get("torch", {}).get(threads)
        cells = [cell(lat.get(key, {}).get(threads), ref) for key, _ in PATHS]
        rows.append(f"| [{r.get('model', folder)}]({folder}) ({r.get('input', '')}) | " + " | ".join(cells) + " |")
    return rows


def train_table(results: dict) -> list:
    rows = ["| model (batch) | " + " | ".join(f"{name} samples/s" for _, name in TRAIN) + " | peak RSS MB (Paddle / torch) |",
            "|" + " --- |" * (len(TRAIN) + 2)]
    for folder, r in results.items():
        train = r.get("train_step", {})
        ref = train.get("torch", {}).get("samples_per_s")
        cells = []
        for key, _ in TRAIN:
            sps = train.get(key, {}).get("samples_per_s")
            cells.append("–" if sps is None else f"{sps:.1f}" + (f" ({ref / sps:.2f}×)" if ref and key != "torch" else ""))
        batch = train.get("batch_size") or next(  # MoveNet stores one batch_size; the others one batch per path
            (v.get("batch") for v in train.values() if isinstance(v, dict) and v.get("batch")), "")
        rss = " / ".join("–" if train.get(k, {}).get("peak_rss_mb") is None else f"{train[k]['peak_rss_mb']:.0f}"
                         for k in ("paddle", "torch"))
        rows.append(f"| {r.get('model', folder)} ({batch}) | " + " | ".join(cells) + f" | {rss} |")
    return rows


def gap_table(results: dict) -> list:
    """Paddle Inference (oneDNN) over ONNX Runtime on the same export: the issue-14 target is <= 1.3."""
    rows = ["| model | threads | Paddle Inference oneDNN ms | ONNX Runtime ms | ratio | per-op profile |",
            "| --- | --- | --- | --- | --- | --- |"]
    for folder, r in results.items():
        lat = r.get("latency_ms", {})
        for threads in ("1", "2"):
            pd, ort = lat.get("paddle_inference_onednn", {}).get(threads), lat.get("onnxruntime", {}).get(threads)
            if pd is None or ort is None:
                continue
            profile = f"[{folder}/bench/profile.md]({folder}/bench/profile.md)" \
                if (ROOT / folder / "bench" / "profile.md").is_file() else "–"
            rows.append(f"| {r.get('model', folder)} | {threads} | {pd:.2f} | {ort:.2f} | {pd / ort:.2f} | {profile} |")
    return rows


def data_table(results: dict) -> list:
    """Training input pipeline against the training step (issue 14: data must never be the bottleneck)."""
    rows = ["| model | pipeline samples/s | workers | Paddle train step samples/s | pipeline / step |",
            "| --- | --- | --- | --- | --- |"]
    for folder, r in results.items():
        data, train = r.get("data", {}), r.get("train_step", {}).get("paddle", {})
        # the lite pipeline's figure: flat (STGCN, PoseC3D, EfficientGCN), or under train_pipeline (MVF) or default
        # (MoveNet: the full config's num_workers)
        data = data.get("train_pipeline", data.get("default", data))
        pipe = data.get("samples_per_s", data.get("loader_samples_per_s"))
        step = train.get("samples_per_s")
        if pipe is None:
            continue
        ratio = f"{pipe / step:.0f}×" if step else "–"
        rows.append(f"| {r.get('model', folder)} | {pipe:.1f} | {data.get('num_workers', '–')} | "
                    f"{'–' if step is None else f'{step:.2f}'} | {ratio} |")
    return rows


def main() -> int:
    results = {}
    for folder in FOLDERS:
        path = ROOT / folder / "bench" / "results.json"
        if path.is_file():
            results[folder] = json.loads(path.read_text(encoding="utf-8"))
        else:
            print(f"skip: {path.relative_to(ROOT)} not written (run make bench)")
    if not results:
        return 1
    (ROOT / "bench").mkdir(exist_ok=True)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    block = ["<!-- bench:start -->",
             "Generated by `make bench` from each folder's `bench/results.json` (ms per sample, batch 1; in brackets "
             "the ratio to the torch reference measured in the same run).", "",
             "One thread:", "", *latency_table(results, "1"), "", "Two threads:", "", *latency_table(results, "2"), "",
             "Training step (forward, loss, backward, update) at the lite batch size (threads as in the folder's "
             "conditions line; in brackets Paddle's step time over torch's):", "",
             *train_table(results), "",
             "Paddle Inference against ONNX Runtime on the same exported model (the operators behind each gap "
             "are in the folder's profile):", "", *gap_table(results), "",
             "Training input pipeline against the training step:", "", *data_table(results), ""]
    block += [f"Conditions ({r.get('model', folder)}): {r['conditions']}" for folder, r in results.items()
              if r.get("conditions")] + ["<!-- bench:end -->"]
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = text.find("<!-- bench:start -->"), text.find("<!-- bench:end -->")
    if start < 0 or end < 0:
        print("error: README.md has no <!-- bench:start --> / <!-- bench:end --> markers", file=sys.stderr)
        return 2
    readme.write_text(text[:start] + "\n".join(block) + text[end + len("<!-- bench:end -->"):], encoding="utf-8")
    print(f"bench/results.json and the README speed table: {len(results)} folders")
    return 0


if __name__ == "__main__":
    sys.exit(main())
