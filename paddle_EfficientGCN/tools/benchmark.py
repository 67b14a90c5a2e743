"""`make bench`: parameters and FLOPs of B0-B4; per-sample latency of every deployed path at 1 and 2 threads (torch
reference, Paddle dygraph, Paddle Inference oneDNN on/off, ONNX Runtime fp32 and int8); the training step (Paddle vs
torch, lite config); the training loader's rate; the int8 quality on the lite eval set. Writes bench/results.json and
bench/results.md; --update_readme True rewrites the README block between the bench markers from them.

    python tools/benchmark.py --torch_ref ../alignment/paddle_EfficientGCN/torch_ref --update_readme True
FLOPs come from our own counter (paddle.flops crashes in 3.3.1): Conv2D/Conv3D and the graph einsum, one
multiply-add = 2 FLOPs; BN, activations and pooling are left out, as thop leaves them out.
"""
import argparse
import copy
import os
import statistics
import sys
import tempfile
import time
import warnings
from types import SimpleNamespace

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
warnings.filterwarnings('ignore', message='No ccache found')  # paddle is imported below, before utils (see utils)

import numpy as np
import paddle

from models import build_model
from models.layers import SpatialGraphConv
from utils import ArgumentParser, folder_path, positive_int, str2bool
from utils.config import load_config


def count_macs(model, shape) -> int:
    """Multiply-adds of one forward pass on an input of `shape`."""
    macs = []

    def conv_hook(layer, inputs, output):
        w = layer.weight.shape
        macs.append(int(np.prod(output.shape)) * w[1] * int(np.prod(w[2:])))

    def gcn_hook(layer, inputs, output):  # einsum nkctv,kvw->nctw after the 1x1 conv
        n, c, t, w = output.shape
        macs.append(n * c * t * w * layer.s_kernel_size * layer.A.shape[1])

    hooks = []
    for layer in model.sublayers():
        if isinstance(layer, (paddle.nn.Conv2D, paddle.nn.Conv3D)):
            hooks.append(layer.register_forward_post_hook(conv_hook))
        elif isinstance(layer, SpatialGraphConv):
            hooks.append(layer.register_forward_post_hook(gcn_hook))
    model.eval()
    with paddle.no_grad():
        model(paddle.zeros(shape))
    for h in hooks:
        h.remove()
    return sum(macs)


def timed(fn, runs: int, warmup: int = 2) -> float:
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return 1000 * statistics.median(times)


PATHS = ('torch', 'paddle_dygraph', 'paddle_inference_onednn', 'paddle_inference_plain', 'onnxruntime',
         'onnxruntime_int8')


def predictor(d: str, threads: int, backend: str, mkldnn: bool = True, precision: str = 'fp32'):
    from infer import Predictor
    return Predictor(SimpleNamespace(
        model_file=None, params_file=None, model_dir=d, use_gpu=False, enable_mkldnn=mkldnn, cpu_threads=threads,
        use_tensorrt=False, precision=precision, ir_optim=True, gpu_mem=1000, batch_size=1, backend=backend,
        onnx_file=None, verbose=False))


def mini_data(work: str) -> str:
    """The generated mini NTU (x-sub) through the real reader; returns its split folder."""
    from datasets.mini import generate_mini
    from datasets.ntu_skeleton import generate
    generate_mini(os.path.join(work, 'raw'), seed=0)
    generate([os.path.join(work, 'raw')], os.path.join(work, 'npy'), 'ntu-xsub', progress=False)
    return os.path.join(work, 'npy', 'original', 'ntu-xsub')


def latency(cfg, args, root: str, torch_ref) -> dict:
    """ms per sample (batch 1, median of --runs after 2 warm-up) of every path at 1 and 2 threads."""
    from export_model import export

    from tools.quantize import calibration_inputs, quantize
    model = build_model(cfg)
    model.eval()
    x = np.random.RandomState(0).randn(1, *cfg['data_shape']).astype('float32')
    out = {k: {} for k in PATHS}
    with tempfile.TemporaryDirectory() as d:
        paddle.save(model.state_dict(), os.path.join(d, 'm.pdparams'))
        export(cfg, os.path.join(d, 'm.pdparams'), d, onnx=True)
        quantize(d, calibration_inputs(d, os.path.join(root, 'train_data.npy'), 32), True, True)
        tm = torch_model(torch_ref, cfg) if torch_ref else None
        for threads in args.threads:
            paddle.base.core.set_num_threads(threads)
            with paddle.no_grad():
                xt = paddle.to_tensor(x)
                out['paddle_dygraph'][str(threads)] = timed(lambda: model(xt), args.runs)
            for key, backend, mkldnn, precision in (('paddle_inference_onednn', 'paddle', True, 'fp32'),
                                                    ('paddle_inference_plain', 'paddle', False, 'fp32'),
                                                    ('onnxruntime', 'onnxruntime', True, 'fp32'),
                                                    ('onnxruntime_int8', 'onnxruntime', True, 'int8')):
                pred = predictor(d, threads, backend, mkldnn, precision)
                out[key][str(threads)] = timed(lambda: pred.run(x), args.runs)
            if tm is not None:
                import torch
                torch.set_num_threads(threads)
                xt = torch.from_numpy(x)
                with torch.no_grad():
                    out['torch'][str(threads)] = timed(lambda: tm(xt)[0], args.runs)
    return {k: v for k, v in out.items() if v}


def torch_model(torch_ref: str, cfg):
    sys.path.insert(0, os.path.dirname(os.path.abspath(torch_ref)))  # the optional reference package
    from torch_ref.nets import EfficientGCN  # alignment/paddle_EfficientGCN/torch_ref/nets.py
    return EfficientGCN(cfg['num_class'], cfg['model_type'], **cfg['model_args']).eval()


def train_step_child(path: str, config: str, torch_ref: str, runs: int) -> None:
    """One process per path (its peak RSS is its own): SGD steps at the lite batch size, prints one json line."""
    import json
    cfg = load_config(config)
    batch = cfg['train']['batch_size']
    rng = np.random.RandomState(0)
    x = rng.randn(batch, *cfg['data_shape']).astype('float32')
    y = rng.randint(0, cfg['num_class'], batch).astype('int64')
    if path == 'torch':
        import torch
        torch.set_num_threads(1)
        model = torch_model(torch_ref, cfg).train()
        opt = torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, nesterov=True, weight_decay=1e-4)
        xt, yt = torch.from_numpy(x), torch.from_numpy(y)

        def step():
            opt.zero_grad()
            torch.nn.functional.cross_entropy(model(xt)[0], yt).backward()
            opt.step()
    else:
        paddle.set_device('cpu')
        paddle.base.core.set_num_threads(1)
        model = build_model(cfg)
        model.train()
        opt = paddle.optimizer.Momentum(0.01, 0.9, parameters=model.parameters(), use_nesterov=True,
                                        weight_decay=1e-4)
        xt, yt = paddle.to_tensor(x), paddle.to_tensor(y)

        def step():
            loss = paddle.nn.functional.cross_entropy(model(xt), yt)
            loss.backward()
            opt.step()
            opt.clear_grad()
    ms = timed(step, runs)
    print(json.dumps({'batch': batch, 'samples_per_s': round(1000 * batch / ms, 2), 'peak_rss_mb': peak_rss_mb()}))


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM: getrusage's ru_maxrss keeps the parent's peak across fork + exec)."""
    with open('/proc/self/status') as f:
        return round(next(int(line.split()[1]) for line in f if line.startswith('VmHWM')) / 1024, 1)


def train_steps(args) -> dict:
    import json
    import subprocess
    out = {}
    for path in ('torch', 'paddle') if args.torch_ref else ('paddle',):
        done = subprocess.run([sys.executable, os.path.abspath(__file__), '--_train_step', path, '--lite_config',
                               args.lite_config, '--runs', str(args.runs)] +
                              (['--torch_ref', args.torch_ref] if args.torch_ref else []),
                              capture_output=True, text=True, env=dict(os.environ, OMP_NUM_THREADS='1'))
        if done.returncode:
            raise RuntimeError(f'train step {path} failed: {done.stderr[-1500:]}')
        out[path] = json.loads(done.stdout.strip().splitlines()[-1])
    return out


def data_rate(lite: str, root: str) -> dict:
    """Samples/s of the training loader (lite config, its num_workers) over one epoch of the mini data."""
    from utils.engine import build_loaders
    cfg = load_config(lite, {'dataset_args.dataset_root': root})
    loader = build_loaders(cfg, 1, 0)[0]
    t0, n = time.perf_counter(), 0
    for x, _ in loader:
        n += x.shape[0]
    return {'loader_samples_per_s': round(n / (time.perf_counter() - t0), 1),
            'num_workers': cfg['train']['num_workers'], 'samples': n}


def int8_quality(lite: str, root: str, work: str) -> dict:
    """Lite model trained on the mini data (the TIPC recipe), exported, quantised as the TIPC line does
    (per_channel, reduce_range); top-1 agreement and max |delta softmax| with fp32 ONNX Runtime on the eval split."""
    from export_model import export

    from tools.quantize import calibration_inputs, quantize
    from utils.engine import RunOptions, train
    cfg = load_config(lite, {'dataset_args.dataset_root': root})
    train(cfg, RunOptions(save_dir=os.path.join(work, 'lite'), progress=False))
    d = os.path.join(work, 'lite_export')
    export(cfg, os.path.join(work, 'lite', 'best_model', 'model.pdparams'), d, onnx=True)
    quantize(d, calibration_inputs(d, os.path.join(root, 'train_data.npy'), 32), True, True)
    x = np.concatenate(calibration_inputs(d, os.path.join(root, 'eval_data.npy'), 10 ** 6))
    fp32 = predictor(d, 1, 'onnxruntime').run(x)
    int8 = predictor(d, 1, 'onnxruntime', precision='int8').run(x)
    return {'top1_agreement': float(np.mean(fp32.argmax(1) == int8.argmax(1))),
            'max_abs_softmax_diff': float(np.abs(fp32 - int8).max()), 'samples': int(len(x)),
            'quantisation': 'static QDQ, MinMax, per_channel, reduce_range, 32 calibration samples'}


def paddle_op_profile(d: str, runs: int) -> dict:
    """ms per run by operator of Paddle Inference (oneDNN on, 1 thread), from Config.enable_profile()'s table, which
    Paddle prints at the predictor's destruction: run in a child process, its output parsed."""
    import subprocess
    code = ('import sys, numpy as np\nfrom paddle import inference\n'
            f'c = inference.Config({os.path.join(d, "model.json")!r}, {os.path.join(d, "model.pdiparams")!r})\n'
            'c.disable_gpu(); c.set_cpu_math_library_num_threads(1); c.enable_mkldnn(); c.switch_ir_optim(True)\n'
            'c.switch_use_feed_fetch_ops(False); c.disable_glog_info(); c.enable_profile()\n'
            'p = inference.create_predictor(c); h = p.get_input_handle(p.get_input_names()[0])\n'
            f'x = np.load({os.path.join(d, "x.npy")!r}); h.reshape(list(x.shape)); h.copy_from_cpu(x)\n'
            f'for _ in range({runs}): p.run()\n'
            'del p\n')
    done = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, cwd=d,  # it writes profile.log
                          env=dict(os.environ, OMP_NUM_THREADS='1', GLOG_minloglevel='2'))
    if done.returncode:
        raise RuntimeError(f'Paddle profile failed: {done.stderr[-1500:]}')
    text = done.stdout + done.stderr
    table = text[text.index('Event Summary'):].splitlines()[3:]  # title, blank line, column names
    ops = {}
    for line in table:
        if not line.strip() or line.startswith('-'):
            break
        if line.startswith(' '):  # infermeta sub-rows
            continue
        name, calls, total = line.split()[:3]
        ops[name] = {'ms': round(float(total) / runs, 2), 'calls': int(calls) // runs}
    return ops


def ort_op_profile(d: str, runs: int) -> dict:
    """ms per run by operator type of ONNX Runtime (1 thread), from its JSON profile (node events summed by op)."""
    import json

    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 1
    opts.log_severity_level = 3
    opts.enable_profiling = True
    opts.profile_file_prefix = os.path.join(d, 'ort_profile')
    sess = ort.InferenceSession(os.path.join(d, 'model.onnx'), opts, providers=['CPUExecutionProvider'])
    x = np.load(os.path.join(d, 'x.npy'))
    for _ in range(runs):
        sess.run(None, {sess.get_inputs()[0].name: x})
    with open(sess.end_profiling()) as f:
        events = json.load(f)
    ops = {}
    for e in events:
        if e.get('cat') == 'Node' and e['name'].endswith('_kernel_time'):
            row = ops.setdefault(e['args']['op_name'], {'ms': 0.0, 'calls': 0})
            row['ms'] += e['dur'] / 1000 / runs
            row['calls'] += 1
    return {k: {'ms': round(v['ms'], 2), 'calls': v['calls'] // runs} for k, v in ops.items()}


def op_profile(cfg, runs: int) -> dict:
    """Both backends on the SAME export of B0 (random weights, batch 1, 1 thread), ms per run by operator."""
    from export_model import export
    model = build_model(cfg)
    with tempfile.TemporaryDirectory() as d:
        paddle.save(model.state_dict(), os.path.join(d, 'm.pdparams'))
        export(cfg, os.path.join(d, 'm.pdparams'), d, onnx=True)
        np.save(os.path.join(d, 'x.npy'), np.random.RandomState(0).randn(1, *cfg['data_shape']).astype('float32'))
        return {'input': [1] + cfg['data_shape'], 'runs': runs, 'threads': 1,
                'paddle_inference_onednn': paddle_op_profile(d, runs), 'onnxruntime': ort_op_profile(d, runs)}


def profile_markdown(prof: dict, top: int = 10) -> str:
    """Top operators by total time, the two backends side by side."""
    cols = []
    for key in ('paddle_inference_onednn', 'onnxruntime'):
        rows = sorted(prof[key].items(), key=lambda kv: -kv[1]['ms'])
        cols.append((sum(v['ms'] for v in prof[key].values()), rows[:top]))
    lines = [f'Per-operator profile, input {prof["input"]}, 1 thread, {prof["runs"]} runs, the first one included (ms per run, calls per run; '
             f'{prof["conditions"]}). Operator totals: Paddle Inference (oneDNN) {cols[0][0]:.1f} ms, ONNX Runtime '
             f'{cols[1][0]:.1f} ms (ratio {cols[0][0] / cols[1][0]:.2f}).', '',
             '| # | Paddle Inference op | ms | calls | ONNX Runtime op | ms | calls |', '|---|---|---|---|---|---|---|']
    for i in range(top):
        cells = []
        for _, rows in cols:
            cells += [rows[i][0], f'{rows[i][1]["ms"]:.1f}', str(rows[i][1]['calls'])] if i < len(rows) else ['', '', '']
        lines.append(f'| {i + 1} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines) + '\n'


def replace_block(md: str, name: str) -> None:
    """README.md / README_cn.md: the text between <!-- name:start --> and <!-- name:end --> becomes md."""
    from utils.atomic_io import write_file_atomic
    for readme in ('README.md', 'README_cn.md'):
        path = folder_path(readme)
        text = open(path, encoding='utf-8').read()
        a, b = f'<!-- {name}:start -->', f'<!-- {name}:end -->'
        if a in text and b in text:
            text = text[:text.index(a) + len(a)] + '\n' + md + text[text.index(b):]
            write_file_atomic(path, text.encode('utf-8'))


def main(argv=None) -> None:
    p = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--config', default=folder_path('configs/2001.yaml'), help='the model timed (B0)')
    p.add_argument('--lite_config', default=folder_path('configs/lite.yaml'), help='train step, data, int8 quality')
    p.add_argument('--torch_ref', default=None, help='alignment torch_ref folder (adds the torch rows)')
    p.add_argument('--runs', type=positive_int, default=5)
    p.add_argument('--frames', type=positive_int, default=288)
    p.add_argument('--threads', type=lambda v: [int(t) for t in v.split(',')], default=[1, 2])
    p.add_argument('--out_dir', default=folder_path('bench'))
    p.add_argument('--update_readme', type=str2bool, default=False)
    p.add_argument('--profile', type=str2bool, default=False,
                   help='only the per-operator profile (Paddle Inference vs ONNX Runtime): bench/profile.md')
    p.add_argument('--_train_step', default=None, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args._train_step:
        return train_step_child(args._train_step, args.lite_config, args.torch_ref, args.runs)
    paddle.set_device('cpu')
    cfg = load_config(args.config)
    cfg['data_shape'][2] = cfg['dataset_args']['num_frame'] = args.frames
    if args.profile:
        return write_profile(op_profile(cfg, args.runs), args.out_dir, args.update_readme)
    start, load = time.perf_counter(), os.getloadavg()[0]
    lite = args.lite_config
    sizes = size_table(cfg)
    with tempfile.TemporaryDirectory() as work:
        root = mini_data(work)
        results = {'model': f'{cfg["model_type"]} ({os.path.basename(args.config)})',
                   'input': [1] + cfg['data_shape'], 'threads': args.threads,
                   'params': sizes['B0']['params'], 'gflops': sizes['B0']['gflops'],
                   'latency_ms': latency(cfg, args, root, args.torch_ref),
                   'train_step': train_steps(args), 'data': data_rate(lite, root),
                   'int8': int8_quality(lite, root, work), 'sizes': sizes,
                   'conditions': f'{os.cpu_count()}-core CPU, load average {load:.1f} at the start, batch 1, median '
                                 f'of {args.runs} runs after 2 warm-up, all paths in one process run side by side; train step: one '
                                 'process per path, 1 thread, lite config batch; paddle_to_static not offered'}
        results['wall_s'] = round(time.perf_counter() - start, 1)
        results['conditions'] += f'; load average {os.getloadavg()[0]:.1f} at the end; whole benchmark ' \
                                 f'{results["wall_s"]:.0f} s'
    write_report(results, args.out_dir, args.update_readme)


def write_profile(prof: dict, out_dir: str, update_readme: bool) -> None:
    from utils.atomic_io import write_file_atomic
    prof['conditions'] = f'{os.cpu_count()}-core CPU, {time.strftime("%Y-%m-%d", time.gmtime())}'
    md = profile_markdown(prof)
    write_file_atomic(os.path.join(out_dir, 'profile.md'), md.encode('utf-8'))
    print(md)
    if update_readme:
        replace_block(md, 'profile')


def write_report(results: dict, out_dir: str, update_readme: bool) -> None:
    from utils import write_json
    from utils.atomic_io import write_file_atomic
    write_json(os.path.join(out_dir, 'results.json'), results)
    md = markdown(results)
    write_file_atomic(os.path.join(out_dir, 'results.md'), md.encode('utf-8'))  # bytes: a str is pickled
    print(md)
    if update_readme:
        replace_block(md, 'bench')


def markdown(r: dict) -> str:
    lat, torch_ms = r['latency_ms'], r['latency_ms'].get('torch', {})
    lines = [f'Input {r["input"]}, {r["params"]:,} params, {r["gflops"]:.2f} GFLOPs. {r["conditions"]}.', '',
             '| path | ' + ' | '.join(f'{t} thread(s) ms' for t in r['threads']) + ' | ratio to torch (1 thread) |',
             '|---|' + '---|' * (len(r['threads']) + 1)]
    for path, row in lat.items():
        ratio = f'{row["1"] / torch_ms["1"]:.2f}' if torch_ms.get('1') and '1' in row else '-'
        lines.append(f'| {path} | ' + ' | '.join(f'{row.get(str(t), float("nan")):.1f}' for t in r['threads'])
                     + f' | {ratio} |')
    lines += ['', '| train step (lite config) | batch | samples/s | peak RSS MB |', '|---|---|---|---|']
    for path, row in r['train_step'].items():
        lines.append(f'| {path} | {row["batch"]} | {row["samples_per_s"]} | {row["peak_rss_mb"]} |')
    q = r['int8']
    lines += ['', f'Data: the training loader gives {r["data"]["loader_samples_per_s"]} samples/s '
              f'(num_workers {r["data"]["num_workers"]}). int8 ({q["quantisation"]}): top-1 agreement with fp32 '
              f'{q["top1_agreement"]:.3f}, max |delta softmax| {q["max_abs_softmax_diff"]:.3f} on the '
              f'{q["samples"]} lite eval samples.', '']
    return '\n'.join(lines)


def size_table(cfg) -> dict:
    """Parameters and FLOPs of B0-B4 at the config's frame count."""
    out = {}
    for phi in range(5):
        c = copy.deepcopy(cfg)
        c['model_type'] = f'EfficientGCN-B{phi}'
        model = build_model(c)
        trainable = sum(int(np.prod(q.shape)) for q in model.parameters() if not q.stop_gradient)
        edges = sum(int(np.prod(q.shape)) for n, q in model.named_parameters() if n.endswith('.edge'))
        macs = count_macs(model, [1] + c['data_shape'])
        out[f'B{phi}'] = {'params': trainable, 'params_no_edge': trainable - edges, 'gflops': round(2 * macs / 1e9, 3)}
    return out


if __name__ == '__main__':
    main()
