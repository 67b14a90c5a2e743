"""`make bench`: params, FLOPs and per-frame latency of MoveNet at 192x192 (batch 1) on 1 and 2 CPU threads for
Paddle dygraph, Paddle Inference (oneDNN on/off), ONNX Runtime and the torch reference, as a markdown table.

    python tools/benchmark.py --torch_ref ../alignment/MoveNet/torch_ref [--out_dir bench] [--update_readme True]
writes bench/results.json (the lead's schema: model, input, threads, params, gflops, latency_ms per path and
thread count, train_step, data, int8, conditions) and bench/results.md; --update_readme True rewrites the block
between `<!-- bench:start -->` and `<!-- bench:end -->` in README.md and README_cn.md from results.json.
ONNX Runtime int8: tools/quantize.py on the same export, calibrated on 16 generated mini pictures.
FLOPs: our own counter over the convolutions, one multiply-add = 2 FLOPs. Latency: median of --runs after
--warmup runs, same random input for every engine. The network only (decode excluded)."""
import os
import sys

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import warnings

warnings.filterwarnings('ignore', message='No ccache found')  # paddle's harmless import-time warning

import argparse
import json
import tempfile
import time

import numpy as np
import paddle


def conv_flops(model: paddle.nn.Layer, size: int) -> int:
    total = []

    def hook(layer, inputs, output):
        k = int(np.prod(layer.weight.shape[1:]))  # in/groups * kh * kw
        total.append(2 * k * int(np.prod(output.shape[1:])))
    handles = [m.register_forward_post_hook(hook) for m in model.sublayers() if isinstance(m, paddle.nn.Conv2D)]
    with paddle.no_grad():
        model(paddle.zeros([1, 3, size, size]))
    for h in handles:
        h.remove()
    return sum(total)


def median_ms(fn, warmup: int, runs: int) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return float(np.median(times) * 1000)


def load_torch_ref(folder: str):
    """torch_ref's MoveNet (alignment/MoveNet/torch_ref), imported from its folder without a sys.path change."""
    import importlib.util
    folder = os.path.abspath(folder)
    spec = importlib.util.spec_from_file_location('torch_ref', os.path.join(folder, '__init__.py'),
                                                  submodule_search_locations=[folder])
    sys.modules['torch_ref'] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(sys.modules['torch_ref'])
    from torch_ref.movenet import MoveNet as TorchMoveNet
    return TorchMoveNet().eval()


def time_engines(net, torch_model, export_dir: str, x: np.ndarray, threads: int, warmup: int, runs: int) -> dict:
    """{engine: median ms per frame} at this thread count."""
    from utils.inference import Predictor
    os.environ['OMP_NUM_THREADS'] = str(threads)
    results = {}
    if torch_model is not None:
        import torch
        torch.set_num_threads(threads)
        xt = torch.from_numpy(x)
        with torch.no_grad():
            results['torch reference (eager)'] = median_ms(lambda: torch_model(xt), warmup, runs)
    xp = paddle.to_tensor(x)
    with paddle.no_grad():
        results['Paddle dygraph'] = median_ms(lambda: net(xp), warmup, runs)
    for mkldnn in (True, False):
        pred = Predictor(os.path.join(export_dir, 'model.json'), os.path.join(export_dir, 'model.pdiparams'), 'paddle',
                         enable_mkldnn=mkldnn, cpu_threads=threads)
        results[f"Paddle Inference (oneDNN {'on' if mkldnn else 'off'})"] = median_ms(lambda: pred.run(x), warmup, runs)
    ort_pred = Predictor(os.path.join(export_dir, 'model.onnx'), None, 'onnxruntime', cpu_threads=threads)
    results['ONNX Runtime'] = median_ms(lambda: ort_pred.run(x), warmup, runs)
    int8 = os.path.join(export_dir, 'model_int8.onnx')
    if os.path.isfile(int8):
        ort_int8 = Predictor(int8, None, 'onnxruntime', cpu_threads=threads)
        results['ONNX Runtime int8'] = median_ms(lambda: ort_int8.run(x), warmup, runs)
    return results


PATHS = {'torch reference (eager)': 'torch', 'Paddle dygraph': 'paddle_dygraph',
         'Paddle Inference (oneDNN on)': 'paddle_inference_onednn', 'Paddle Inference (oneDNN off)': 'paddle_inference_plain',
         'ONNX Runtime': 'onnxruntime', 'ONNX Runtime int8': 'onnxruntime_int8'}
START, END = '<!-- bench:start -->', '<!-- bench:end -->'


def table(data: dict) -> str:
    lat = data['latency_ms']
    names = {v: k for k, v in PATHS.items()}
    lines = [f"MoveNet {data['input']}, batch 1, CPU; params {data['params']:,}, {data['gflops']:.3f} GFLOPs (conv only); "
             f"{data['conditions']}", '', '| path | threads | ms/frame | FPS | ratio to torch |', '|---|---|---|---|---|']
    for t in data['threads']:
        ref = lat.get('torch', {}).get(str(t))
        for key, per in lat.items():
            ms = per[str(t)]
            lines.append(f"| {names[key]} | {t} | {ms:.2f} | {1000 / ms:.1f} | {ms / ref if ref else float('nan'):.2f} |")
    return '\n'.join(lines) + '\n'


def update_readme(text: str, folder: str) -> None:
    for name in ('README.md', 'README_cn.md'):
        path = os.path.join(folder, name)
        doc = open(path, encoding='utf-8').read()
        if START not in doc or END not in doc:
            continue
        head, rest = doc.split(START, 1)
        tail = rest.split(END, 1)[1]
        with open(path, 'w', encoding='utf-8') as f:
            f.write(f'{head}{START}\n{text}{END}{tail}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--torch_ref', default=None, help='folder of the torch reference (alignment/MoveNet/torch_ref)')
    parser.add_argument('--threads', default='1,2')
    parser.add_argument('--warmup', type=int, default=10)
    parser.add_argument('--runs', type=int, default=50)
    parser.add_argument('--out_dir', default=None, help='default: <this folder>/bench')
    parser.add_argument('--update_readme', default='False', choices=['True', 'False'])
    parser.add_argument('--conditions', default='shared 2-core CPU machine under load from other jobs',
                        help='what the machine was doing (written into the report)')
    args = parser.parse_args()
    paddle.set_device('cpu')
    from models import MoveNet
    from utils.config import DEFAULT_CONFIG, load_config
    from utils.export import export
    cfg = load_config(DEFAULT_CONFIG)
    size = cfg.DATA.img_size
    net = MoveNet()
    net.eval()
    params = sum(int(np.prod(p.shape)) for p in net.parameters() if not p.stop_gradient)
    flops = conv_flops(net, size)
    x = np.random.default_rng(0).uniform(0, 255, (1, 3, size, size)).astype(np.float32)
    work = tempfile.mkdtemp(prefix='movenet_bench_')
    path, export_dir = os.path.join(work, 'w.pdparams'), os.path.join(work, 'export')
    paddle.save(net.state_dict(), path)
    export(cfg, path, export_dir, onnx=True)
    from datasets.mini import make_infer_set
    from tools.quantize import quantize
    make_infer_set(os.path.join(work, 'calib'), 16, seed=3)
    quantize(export_dir, os.path.join(work, 'calib'), 16)
    torch_model = load_torch_ref(args.torch_ref) if args.torch_ref else None
    rows = []
    for threads in [int(t) for t in args.threads.split(',')]:
        results = time_engines(net, torch_model, export_dir, x, threads, args.warmup, args.runs)
        ref = results.get('torch reference (eager)')
        rows += [(name, threads, ms, ms / ref if ref else float('nan')) for name, ms in results.items()]
    threads_all = sorted({t for _, t, _, _ in rows})
    latency = {}
    for name, threads, ms, _ in rows:
        latency.setdefault(PATHS[name], {})[str(threads)] = round(ms, 3)
    on = latency['onnxruntime']
    data = {'model': 'movenet', 'input': f'[1, 3, {size}, {size}]', 'threads': threads_all, 'params': params,
            'gflops': round(flops / 1e9, 4), 'latency_ms': latency, 'train_step': {}, 'data': {},
            'int8': {'speedup_vs_fp32_ort': {t: round(on[t] / latency['onnxruntime_int8'][t], 3) for t in on}
                     if 'onnxruntime_int8' in latency else {},
                     'quality': 'README "Default path and precision" (mini crops, 12-epoch model): same joints found '
                                '100 %, median shift 2.2 px; tests/test_export.py checks >= 90 % and < 5 % of the crop'},
            'conditions': f'{args.conditions}; median of {args.runs} runs after {args.warmup}, untrained weights, '
                          'network only; same process, the paths one after another per thread count'}
    out_dir = args.out_dir or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'bench')
    os.makedirs(out_dir, exist_ok=True)
    from utils.atomic_io import write_file_atomic
    write_file_atomic(os.path.join(out_dir, 'results.json'), (json.dumps(data, indent=1) + '\n').encode())
    text = table(data)
    write_file_atomic(os.path.join(out_dir, 'results.md'), text.encode())
    print(text)
    if args.update_readme == 'True':
        update_readme(text, os.path.dirname(out_dir))


if __name__ == '__main__':
    main()
