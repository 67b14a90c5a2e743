"""`make bench`: params, FLOPs and per-frame latency of MoveNet at 192x192 (batch 1) on 1 and 2 CPU threads for
Paddle dygraph, Paddle Inference (oneDNN on/off), ONNX Runtime and the torch reference; one training step (forward,
loss, backward, Adam update) at the lite batch size for Paddle dygraph and the torch reference; the training data
pipeline's samples/s; as a markdown table.

    python tools/benchmark.py --torch_ref ../alignment/MoveNet/torch_ref [--out_dir bench] [--update_readme True]
writes bench/results.json (the lead's schema: model, input, threads, params, gflops, latency_ms per path and
thread count, train_step, data, int8, conditions with the wall time) and bench/results.md; --update_readme True
rewrites the block between `<!-- bench:start -->` and `<!-- bench:end -->` in README.md and README_cn.md.
Everything it needs (weights, export, ONNX, int8 model, mini data) is built by the script itself in a temporary
folder: it runs from a fresh clone.

    python tools/benchmark.py --profile True --torch_ref ../alignment/MoveNet/torch_ref [--update_readme True]
profiles instead, per operator: Paddle Inference (oneDNN on, paddle.profiler around predictor.run) and ONNX Runtime
(SessionOptions.enable_profiling) on the same export, batch 1, 1 thread; one training step of Paddle dygraph
(paddle.profiler) and torch (torch.profiler). Writes bench/profile.md and the README block between
`<!-- profile:start -->` and `<!-- profile:end -->`.

ONNX Runtime int8: tools/quantize.py on the same export, calibrated on 16 generated mini pictures.
FLOPs: our own counter over the convolutions, one multiply-add = 2 FLOPs. Latency: median of --runs after
--warmup runs, same random input for every engine. The network only (decode excluded). Train step: each framework
in its own process (peak RSS = that process's ru_maxrss), the same batch of the mini data (numpy), median step time of
--train_steps after 2 warm-up steps."""
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


def conv_kinds(net: paddle.nn.Layer, size: int) -> list:
    """Kind of every convolution in execution order (the exported program keeps this order)."""
    kinds = []

    def hook(layer, inputs, output):
        k = layer.weight.shape
        kinds.append('conv depthwise 3x3' if layer._groups > 1 else f'conv {k[2]}x{k[3]}')
    handles = [m.register_forward_post_hook(hook) for m in net.sublayers() if isinstance(m, paddle.nn.Conv2D)]
    with paddle.no_grad():
        net(paddle.zeros([1, 3, size, size]))
    for h in handles:
        h.remove()
    return kinds


def _op_table(acc: dict, runs: int) -> list:
    """{op: [total us, calls]} -> [[op, ms per run, calls per run, share %]], slowest first."""
    total = sum(v[0] for v in acc.values()) or 1.0
    rows = sorted(acc.items(), key=lambda kv: -kv[1][0])
    return [[k, round(v[0] / 1000 / runs, 3), round(v[1] / runs, 1), round(100 * v[0] / total, 1)] for k, v in rows]


def profile_paddle_inference(export_dir: str, x: np.ndarray, kinds: list, runs: int, work: str) -> list:
    """Per-op time of Paddle Inference (oneDNN on, 1 thread): paddle.profiler around predictor.run(); the
    convolutions (fused_conv2d/conv2d) split by kind from their order in the program."""
    import re

    import paddle.profiler as profiler

    from utils.inference import Predictor
    pred = Predictor(os.path.join(export_dir, 'model.json'), os.path.join(export_dir, 'model.pdiparams'), 'paddle',
                     enable_mkldnn=True, cpu_threads=1)
    for _ in range(3):
        pred.run(x)
    prof = profiler.Profiler(targets=[profiler.ProfilerTarget.CPU])
    prof.start()
    for _ in range(runs):
        pred.run(x)
    prof.stop()
    path = os.path.join(work, 'paddle_profile.json')
    prof.export(path, format='json')
    with open(path) as f:
        events = json.load(f)
    events = events['traceEvents'] if isinstance(events, dict) else events
    ops = sorted((e for e in events if e.get('cat') == 'Operator'), key=lambda e: e['ts'])
    acc, conv_i = {}, 0
    for e in ops:
        name = re.sub(r'\[.*\]$', '', e['name'])
        if name.split('.')[-1] in ('fused_conv2d', 'conv2d'):
            name = f"{kinds[conv_i % len(kinds)]} ({name.split('.')[-1]})"
            conv_i += 1
        a = acc.setdefault(name, [0.0, 0])
        a[0] += float(e['dur'])
        a[1] += 1
    return _op_table(acc, runs)


def profile_onnxruntime(onnx_file: str, x: np.ndarray, runs: int, work: str) -> list:
    """Per-op time of ONNX Runtime (1 thread): SessionOptions.enable_profiling, `dur` of the *_kernel_time nodes
    summed by args.op_name; Conv split by kind from its weight shape."""
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.log_severity_level = 3
    sess = ort.InferenceSession(onnx_file, opts, providers=['CPUExecutionProvider'])
    name = sess.get_inputs()[0].name
    for _ in range(3):
        sess.run(None, {name: x})
    opts.enable_profiling = True
    opts.profile_file_prefix = os.path.join(work, 'ort_profile')
    sess = ort.InferenceSession(onnx_file, opts, providers=['CPUExecutionProvider'])
    for _ in range(runs + 3):
        sess.run(None, {name: x})
    with open(sess.end_profiling()) as f:
        events = json.load(f)
    nodes = [e for e in events if e.get('cat') == 'Node' and e['name'].endswith('_kernel_time')]
    per_run = len(nodes) // (runs + 3)
    acc = {}
    for e in nodes[3 * per_run:]:  # the first 3 runs warm up
        op = e['args']['op_name']
        if op in ('Conv', 'FusedConv'):
            w = next(iter(e['args']['input_type_shape'][1].values()))
            op = 'conv depthwise 3x3' if w[1] == 1 and w[0] > 1 else f'conv {w[2]}x{w[3]}'
        a = acc.setdefault(op, [0.0, 0])
        a[0] += float(e['dur'])
        a[1] += 1
    return _op_table(acc, runs)


def onednn_kernel_ms(export_dir: str, runs: int = 5) -> dict:
    """Time inside oneDNN's own kernels per run of the Paddle Inference predictor (oneDNN on, 1 thread), from
    ONEDNN_VERBOSE=1 exec lines in a child process: {primitive (implementation): [ms per run, calls per run]}."""
    import subprocess
    code = (f'import sys; sys.path.insert(0, {os.path.dirname(os.path.dirname(os.path.abspath(__file__)))!r})\n'
            'import numpy as np\nfrom utils.inference import Predictor\n'
            f'd = {export_dir!r}\n'
            "p = Predictor(d + '/model.json', d + '/model.pdiparams', 'paddle', enable_mkldnn=True, cpu_threads=1)\n"
            'x = np.random.default_rng(0).uniform(0, 255, (1, 3, 192, 192)).astype(np.float32)\n'
            "[p.run(x) for _ in range(3)]\nprint('=====RUNS', flush=True)\n"
            f'[p.run(x) for _ in range({runs})]\n')
    env = dict(os.environ, ONEDNN_VERBOSE='1', DNNL_VERBOSE='1', OMP_NUM_THREADS='1')
    res = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, env=env)
    lines = res.stdout.split('=====RUNS', 1)[-1].splitlines()
    acc = {}
    for line in lines:
        f = line.split(',')
        if len(f) > 6 and f[0] == 'onednn_verbose' and 'exec' in f:
            i = f.index('exec')
            kind, impl = f[i + 2], f[i + 3]
            if kind == 'convolution':
                kind = 'conv depthwise' if '_dw' in impl else 'conv'
            a = acc.setdefault(f'{kind} ({impl})', [0.0, 0])
            a[0] += float(f[-1])
            a[1] += 1
    return {k: [round(v[0] / runs, 3), round(v[1] / runs, 1)] for k, v in sorted(acc.items(), key=lambda kv: -kv[1][0])}


def op_rows_md(title: str, rows: list, top: int = 12) -> str:
    total = sum(r[1] for r in rows)
    lines = [f'{title}: {total:.2f} ms per run (sum of op times)', '', '| op | ms/run | calls/run | share % |',
             '|---|---|---|---|']
    lines += [f'| {op} | {ms:.3f} | {calls:g} | {share:.1f} |' for op, ms, calls, share in rows[:top]]
    return '\n'.join(lines) + '\n'


def peak_rss_mb() -> float:
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def train_worker(framework: str, batch_file: str, steps: int, torch_ref: str, profile: bool) -> dict:
    """One process, one framework: median time of a training step (forward, loss, backward, Adam update with the
    lite config's learning rate and weight decay) on the saved batch -> samples/s, peak RSS (and with profile,
    the ops of one step)."""
    from utils.config import from_root, load_config
    cfg = load_config(from_root('configs/movenet_lite.yaml'))
    data = np.load(batch_file)
    img, labels, mask = data['img'], data['labels'], data['kps_mask']
    lr, wd = cfg.TRAIN.learning_rate, cfg.TRAIN.weight_decay
    if framework == 'paddle':
        from models import MoveNet
        from models.loss import MovenetLoss
        paddle.seed(0)
        net, criterion = MoveNet(), MovenetLoss()
        net.train()
        opt = paddle.optimizer.Adam(lr, parameters=net.parameters(), weight_decay=wd)
        xs, ls, ms = paddle.to_tensor(img), paddle.to_tensor(labels), paddle.to_tensor(mask)

        def step():
            loss = criterion(net(xs), ls, ms)['loss']
            loss.backward()
            opt.step()
            opt.clear_grad()
    else:
        import torch
        torch.set_num_threads(1)
        torch.manual_seed(0)
        load_torch_ref(torch_ref)
        from torch_ref.loss import total_loss
        from torch_ref.movenet import MoveNet as TorchMoveNet
        net = TorchMoveNet().train()
        opt = torch.optim.Adam(net.parameters(), lr=lr, weight_decay=wd)
        xs, ls, ms = torch.from_numpy(img), torch.from_numpy(labels), torch.from_numpy(mask)

        def step():
            loss = total_loss(net(xs), ls, ms)
            opt.zero_grad()
            loss.backward()
            opt.step()
    step_ms = median_ms(step, 2, steps)
    out = {'samples_per_s': round(1000 * len(img) / step_ms, 2), 'step_ms': round(step_ms, 1),
           'peak_rss_mb': round(peak_rss_mb(), 1)}
    if profile:
        out['ops'] = profile_train_step(framework, step)
    return out


def profile_train_step(framework: str, step) -> list:
    """Ops of 2 training steps by total self time (per step)."""
    import re
    if framework == 'torch':
        import torch.profiler as tp
        with tp.profile(activities=[tp.ProfilerActivity.CPU]) as prof:
            for _ in range(2):
                step()
        acc = {e.key: [e.self_cpu_time_total, e.count] for e in prof.key_averages()}
        return _op_table(acc, 2)[:12]
    import paddle.profiler as profiler
    prof = profiler.Profiler(targets=[profiler.ProfilerTarget.CPU])
    prof.start()
    for _ in range(2):
        step()
    prof.stop()
    path = tempfile.mktemp(prefix='movenet_prof_', suffix='.json')
    prof.export(path, format='json')
    with open(path) as f:
        events = json.load(f)
    os.remove(path)
    events = events['traceEvents'] if isinstance(events, dict) else events
    acc = {}
    for e in events:
        if e.get('cat') == 'Operator':
            a = acc.setdefault(re.sub(r'\[.*\]$', '', e['name']), [0.0, 0])
            a[0] += float(e['dur'])
            a[1] += 1
    return _op_table(acc, 2)[:12]


def run_train_workers(batch_file: str, steps: int, torch_ref, profile: bool = False) -> dict:
    """{framework: train_worker result}, each in its own process (one thread, as the latency rows at 1 thread)."""
    import subprocess
    out = {}
    for framework in (['torch'] if torch_ref else []) + ['paddle']:
        cmd = [sys.executable, os.path.abspath(__file__), '--train_worker', framework, '--batch_file', batch_file,
               '--train_steps', str(steps), '--profile', str(profile)]
        if torch_ref:
            cmd += ['--torch_ref', os.path.abspath(torch_ref)]
        env = dict(os.environ, OMP_NUM_THREADS='1')
        res = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if res.returncode != 0:
            raise RuntimeError(f'train step worker {framework} failed:\n{res.stderr[-2000:]}')
        out[framework] = json.loads(res.stdout.strip().splitlines()[-1])
    return out


def data_pipeline(root: str, batch_size: int, num_workers: int, epochs: int = 2) -> dict:
    """samples/s of the training loader (movenet_coco.yaml: DataAug on) over `epochs` passes of the mini training
    crops, worker start-up included."""
    from datasets.coco_crops import CocoCropDataset
    from utils.engine import make_loader
    ds = CocoCropDataset(root, 'train', 192, True, 42)
    loader = make_loader(ds, batch_size, True, num_workers, 42)
    n, t = 0, time.perf_counter()
    for epoch in range(epochs):
        loader.dataset.set_epoch(epoch)
        loader.batch_sampler.set_epoch(epoch)
        for img, *_ in loader:
            n += img.shape[0]
    return {'samples_per_s': round(n / (time.perf_counter() - t), 1), 'num_workers': num_workers,
            'batch_size': batch_size, 'samples': n}


PATHS = {'torch reference (eager)': 'torch', 'Paddle dygraph': 'paddle_dygraph',
         'Paddle Inference (oneDNN on)': 'paddle_inference_onednn', 'Paddle Inference (oneDNN off)': 'paddle_inference_plain',
         'ONNX Runtime': 'onnxruntime', 'ONNX Runtime int8': 'onnxruntime_int8'}
START, END = '<!-- bench:start -->', '<!-- bench:end -->'
PROFILE_START, PROFILE_END = '<!-- profile:start -->', '<!-- profile:end -->'


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
    pi, ort = lat.get('paddle_inference_onednn', {}), lat.get('onnxruntime', {})
    if pi and ort:
        lines += ['', 'Paddle Inference (oneDNN) / ONNX Runtime: ' +
                  ', '.join(f'{pi[str(t)] / ort[str(t)]:.2f} at {t} thread{"s" if t > 1 else ""}' for t in data['threads'])]
    ts = data.get('train_step') or {}
    if ts:
        ref = ts.get('torch', {}).get('samples_per_s')
        lines += ['', f"Training step (forward, loss, backward, Adam), batch {ts['batch_size']}, 1 thread, each framework "
                  'in its own process:', '', '| framework | samples/s | ms/step | peak RSS MB | step time / torch |',
                  '|---|---|---|---|---|']
        for key, label in (('torch', 'torch reference (eager)'), ('paddle', 'Paddle dygraph')):
            if key in ts:
                r = ts[key]
                lines.append(f"| {label} | {r['samples_per_s']:.2f} | {r['step_ms']:.0f} | {r['peak_rss_mb']:.0f} | "
                             f"{ref / r['samples_per_s'] if ref else float('nan'):.2f} |")
    dp = data.get('data') or {}
    if dp:
        lines += ['', 'Training data pipeline (mini crops, DataAug on, batch {batch_size}): '.format(**dp['default']) +
                  f"{dp['default']['samples_per_s']:.1f} samples/s at the default num_workers={dp['default']['num_workers']}"
                  f" (worker start-up included), {dp['no_workers']['samples_per_s']:.1f} samples/s with num_workers=0; "
                  f"the Paddle training step consumes {dp['train_step_samples_per_s']:.2f} samples/s."]
    return '\n'.join(lines) + '\n'


def update_readme(text: str, folder: str, start: str = START, end: str = END) -> None:
    for name in ('README.md', 'README_cn.md'):
        path = os.path.join(folder, name)
        doc = open(path, encoding='utf-8').read()
        if start not in doc or end not in doc:
            continue
        head, rest = doc.split(start, 1)
        tail = rest.split(end, 1)[1]
        with open(path, 'w', encoding='utf-8') as f:
            f.write(f'{head}{start}\n{text}{end}{tail}')


def make_batch(work: str, batch_size: int) -> tuple:
    """The mini data (datasets/mini.py, seeded) and its first training batch saved as npz -> (crops root, npz)."""
    from datasets.coco_crops import CocoCropDataset
    from datasets.mini import make_mini
    root = make_mini(os.path.join(work, 'mini'), 40, 12, seed=0)
    ds = CocoCropDataset(root, 'train', 192, False, 42)
    samples = [ds[i] for i in range(batch_size)]
    path = os.path.join(work, 'batch.npz')
    np.savez(path, img=np.stack([s[0] for s in samples]), labels=np.stack([s[1] for s in samples]),
             kps_mask=np.stack([s[2] for s in samples]))
    return root, path


def build_export(work: str, size: int):
    """Untrained weights -> <work>/export (model.json, model.onnx) and model_int8.onnx; -> (net, cfg, dir)."""
    from models import MoveNet
    from utils.config import DEFAULT_CONFIG, load_config
    from utils.export import export
    cfg = load_config(DEFAULT_CONFIG)
    paddle.seed(0)
    net = MoveNet()
    net.eval()
    path, export_dir = os.path.join(work, 'w.pdparams'), os.path.join(work, 'export')
    paddle.save(net.state_dict(), path)
    export(cfg, path, export_dir, onnx=True)
    return net, cfg, export_dir


def write_out(out_dir: str, name: str, text: str) -> None:
    from utils.atomic_io import write_file_atomic
    os.makedirs(out_dir, exist_ok=True)
    write_file_atomic(os.path.join(out_dir, name), text.encode())


def run_profile(args, out_dir: str) -> None:
    size = 192
    work = tempfile.mkdtemp(prefix='movenet_profile_')
    net, _, export_dir = build_export(work, size)
    x = np.random.default_rng(0).uniform(0, 255, (1, 3, size, size)).astype(np.float32)
    kinds = conv_kinds(net, size)
    pd_rows = profile_paddle_inference(export_dir, x, kinds, args.runs, work)
    ort_rows = profile_onnxruntime(os.path.join(export_dir, 'model.onnx'), x, args.runs, work)
    kernels = onednn_kernel_ms(export_dir)
    _, batch_file = make_batch(work, args.train_batch)
    train = run_train_workers(batch_file, 2, args.torch_ref, profile=True)
    text = (f'Per-operator profile ({time.strftime("%Y-%m-%d", time.gmtime())}, {args.conditions}); same export '
            f'(untrained weights), [1, 3, {size}, {size}], 1 thread, {args.runs} runs after 3. Paddle: paddle.profiler '
            'around predictor.run() (oneDNN on; the convolutions split by kind from their order in the program); '
            'ONNX Runtime: SessionOptions.enable_profiling (`dur` by op_name; Conv split by weight shape). Profiler '
            'overhead is included in both.\n\n' + op_rows_md('Paddle Inference (oneDNN on)', pd_rows) + '\n' +
            op_rows_md('ONNX Runtime', ort_rows) + '\n')
    if kernels:
        text += (f'Inside oneDNN (ONEDNN_VERBOSE=1 exec times, same predictor, no profiler): '
                 f'{sum(v[0] for v in kernels.values()):.2f} ms per run; the rest of the Paddle Inference time is '
                 "Paddle's own work around the kernels (per-op dispatch, oneDNN primitive cache look-up, memory "
                 'descriptors) and the ops it runs without oneDNN.\n\n| oneDNN primitive (implementation) | ms/run | '
                 'calls/run |\n|---|---|---|\n' + ''.join(f'| {k} | {v[0]:.3f} | {v[1]:g} |\n' for k, v in kernels.items())
                 + '\n')
    for key, label in (('paddle', 'Paddle dygraph training step (paddle.profiler)'),
                       ('torch', 'torch training step (torch.profiler, self CPU time)')):
        if key in train:
            text += op_rows_md(f"{label}, batch {args.train_batch}", train[key]['ops']) + '\n'
    write_out(out_dir, 'profile.md', text)
    print(text)
    if args.update_readme == 'True':
        update_readme(text, os.path.dirname(out_dir), PROFILE_START, PROFILE_END)


def main() -> None:
    wall = time.perf_counter()
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--torch_ref', default=None, help='folder of the torch reference (alignment/MoveNet/torch_ref)')
    parser.add_argument('--threads', default='1,2')
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--runs', type=int, default=20)
    parser.add_argument('--train_batch', type=int, default=8, help='training step batch (the lite config\'s)')
    parser.add_argument('--train_steps', type=int, default=5, help='timed training steps (after 2 warm-up steps)')
    parser.add_argument('--out_dir', default=None, help='default: <this folder>/bench')
    parser.add_argument('--update_readme', default='False', choices=['True', 'False'])
    parser.add_argument('--profile', default='False', choices=['True', 'False'],
                        help='per-operator profile instead of the bench: bench/profile.md (+ README profile block)')
    parser.add_argument('--conditions',
                        default=f'{os.cpu_count()}-core CPU, load average {os.getloadavg()[0]:.1f} at the start',
                        help='what the machine was doing (written into the report)')
    parser.add_argument('--train_worker', default=None, choices=['paddle', 'torch'], help=argparse.SUPPRESS)
    parser.add_argument('--batch_file', default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    paddle.set_device('cpu')
    if args.train_worker:
        print(json.dumps(train_worker(args.train_worker, args.batch_file, args.train_steps, args.torch_ref,
                                      args.profile == 'True')))
        return
    out_dir = args.out_dir or os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'bench')
    if args.profile == 'True':
        run_profile(args, out_dir)
        return
    work = tempfile.mkdtemp(prefix='movenet_bench_')
    net, cfg, export_dir = build_export(work, 192)
    size = cfg.DATA.img_size
    params = sum(int(np.prod(p.shape)) for p in net.parameters() if not p.stop_gradient)
    flops = conv_flops(net, size)
    x = np.random.default_rng(0).uniform(0, 255, (1, 3, size, size)).astype(np.float32)
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
    root, batch_file = make_batch(work, args.train_batch)
    train = run_train_workers(batch_file, args.train_steps, args.torch_ref)
    train_step = {'batch_size': args.train_batch, 'threads': 1, **train}
    data_pipe = {'default': data_pipeline(root, args.train_batch, cfg.num_workers),
                 'no_workers': data_pipeline(root, args.train_batch, 0),
                 'train_step_samples_per_s': train['paddle']['samples_per_s'],
                 'note': 'default num_workers of configs/movenet_coco.yaml; the lite config (TIPC) uses 0'}
    data = {'model': 'movenet', 'input': f'[1, 3, {size}, {size}]', 'threads': threads_all, 'params': params,
            'gflops': round(flops / 1e9, 4), 'latency_ms': latency, 'train_step': train_step, 'data': data_pipe,
            'int8': {'speedup_vs_fp32_ort': {t: round(on[t] / latency['onnxruntime_int8'][t], 3) for t in on}
                     if 'onnxruntime_int8' in latency else {},
                     'quality': 'README "Default path and precision" (mini crops, 12-epoch model): same joints found '
                                '100 %, median shift 2.2 px; tests/test_export.py checks >= 90 % and < 5 % of the crop'},
            'conditions': f'{args.conditions}; median of {args.runs} runs after {args.warmup}, untrained weights, '
                          'network only; same process, the paths one after another per thread count'}
    data['wall_s'] = round(time.perf_counter() - wall, 1)
    data['conditions'] += f'; load average {os.getloadavg()[0]:.1f} at the end; bench wall time {data["wall_s"]:.0f} s'
    write_out(out_dir, 'results.json', json.dumps(data, indent=1) + '\n')
    text = table(data)
    write_out(out_dir, 'results.md', text)
    print(text)
    if args.update_readme == 'True':
        update_readme(text, os.path.dirname(out_dir))
    print(f'bench wall time: {data["wall_s"]:.1f} s')


if __name__ == '__main__':
    main()
