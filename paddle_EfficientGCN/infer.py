"""Paddle Inference (or ONNX Runtime) on an exported EfficientGCN; any batch size.

    python infer.py --model_dir inference --input_file S001C001P001R001A001.skeleton
    python infer.py --model_dir inference --input_file eval_data.npy --label_file eval_label.pkl -b 16 \
        --save_results out/results.json
Prints every prediction (`Current video file:`, top-1 class id and name, score, top-5), also with
--enable_benchmark True (the timing report then comes last). The model's config is the export directory's
config.yaml (frames kept, input streams, pre-normalisation of raw .skeleton files, class names); --config
overrides it. Paddle's own logs (pass names, glog) are shown only with --verbose True.

--backend auto (the default) runs ONNX Runtime when onnxruntime is importable and <model dir>/model.onnx exists
(export_model.py --onnx True): for this model it is several times faster than Paddle Inference on CPU (README,
"Inference speed", bench/results.md); else Paddle Inference with oneDNN (--enable_mkldnn True by default).
--backend paddle|onnxruntime and --enable_mkldnn override. --precision int8 runs <model dir>/model_int8.onnx
(tools/quantize.py) on ONNX Runtime; on CPU fp16 is refused (no fp16 arithmetic) and bf16 runs only where the CPU
reports bf16 support; on GPU fp16/int8 go through TensorRT (--use_tensorrt True).
"""
import argparse
import os

from utils import ArgumentParser, UserError, positive_int, quiet_native, run_main, str2bool


def get_parser() -> argparse.ArgumentParser:
    p = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model_dir', default=None, help='export directory (model.json|model.pdmodel, model.pdiparams)')
    p.add_argument('--model_file', default=None, help='model.json (Paddle 3) or model.pdmodel (Paddle 2)')
    p.add_argument('--params_file', default=None, help='model.pdiparams')
    p.add_argument('--onnx_file', default=None, help='ONNX model (default: <model dir>/model.onnx)')
    p.add_argument('--input_file', '--data_file', dest='input_file', default=None,
                   help='.skeleton file or [N, 3, T, 25, M] .npy')
    p.add_argument('--label_file', default=None, help='{phase}_label.pkl to report accuracy (seed interface)')
    p.add_argument('-b', '--batch_size', type=positive_int, default=1)
    p.add_argument('--use_gpu', type=str2bool, default=False)
    p.add_argument('--enable_mkldnn', type=str2bool, default=True, help='oneDNN on CPU (Paddle Inference)')
    p.add_argument('--cpu_threads', type=positive_int, default=1)
    p.add_argument('--use_tensorrt', type=str2bool, default=False)
    p.add_argument('--precision', choices=['fp32', 'fp16', 'bf16', 'int8'], default='fp32',
                   help='int8: ONNX Runtime on model_int8.onnx (tools/quantize.py); CPU fp16 refused, bf16 only with '
                        'avx512_bf16/amx_bf16')
    p.add_argument('--ir_optim', type=str2bool, default=True)
    p.add_argument('--gpu_mem', type=positive_int, default=8000)
    p.add_argument('--enable_benchmark', type=str2bool, default=False)
    p.add_argument('--backend', choices=['auto', 'paddle', 'onnxruntime'], default='auto',
                   help='auto: ONNX Runtime when installed and model.onnx exists (faster for this model), else Paddle '
                        'Inference')
    p.add_argument('--save_results', default=None, help='write the predictions to this json')
    p.add_argument('--config', default=None, help="default: the export directory's config.yaml")
    p.add_argument('--verbose', type=str2bool, default=False, help="show Paddle's own logs (glog, IR passes)")
    return p


def model_dir(args) -> str:
    """The export directory: --model_dir, else the folder of --model_file (its config.yaml is the model's)."""
    found = args.model_dir or (os.path.dirname(os.path.abspath(args.model_file)) if args.model_file else None)
    if not found:
        raise UserError('no model given, pass --model_dir <export dir> or --model_file/--params_file')
    return found


def resolve_model(args) -> tuple:
    """(model file, params file) for Paddle, (onnx file, None) for ONNX Runtime; .json and .pdmodel both work."""
    model_dir_ = model_dir(args)
    if args.backend == 'onnxruntime':
        if args.precision == 'int8':
            onnx_file = args.onnx_file or os.path.join(model_dir_, 'model_int8.onnx')
            if not os.path.isfile(onnx_file):
                raise UserError(f'int8 model {onnx_file} not found, run `python tools/quantize.py --model_dir '
                                f'{model_dir_} --calib_data <train_data.npy>` first')
            return onnx_file, None
        onnx_file = args.onnx_file or os.path.join(model_dir_, 'model.onnx')
        if not os.path.isfile(onnx_file):
            raise UserError(f'{onnx_file} not found (--onnx_file), export with `export_model.py --onnx True` or run '
                            'paddle2onnx on the export directory')
        return onnx_file, None
    model_file = args.model_file or next((os.path.join(model_dir_, f) for f in ('model.json', 'model.pdmodel')
                                          if os.path.exists(os.path.join(model_dir_, f))), None)
    if model_file and not os.path.exists(model_file):
        stem, ext = os.path.splitext(model_file)
        other = stem + ('.pdmodel' if ext == '.json' else '.json')
        model_file = other if os.path.exists(other) else model_file
    params_file = args.params_file or os.path.join(model_dir_, 'model.pdiparams')
    for f in (model_file or os.path.join(model_dir_, 'model.json'), params_file):
        if not os.path.isfile(f):
            raise UserError(f'{f} not found (--model_dir/--model_file/--params_file), export the model first with '
                            'export_model.py')
    return model_file, params_file


def cpu_has_bf16() -> bool:
    """The CPU flags report bf16 arithmetic (AVX512-BF16 or AMX-BF16)."""
    try:
        with open('/proc/cpuinfo', encoding='utf-8') as f:
            flags = f.read()
    except OSError:
        return False
    return 'avx512_bf16' in flags or 'amx_bf16' in flags


def onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def choose_backend(args) -> str:
    """The backend that runs, after the precision checks (one error line each, exit 2)."""
    if not args.use_gpu:
        if args.precision == 'fp16':
            raise UserError('--precision fp16 on CPU, this CPU has no fp16 arithmetic (Paddle would silently run '
                            'bf16 or fp32), use --precision fp32, int8 (ONNX Runtime) or --use_gpu True')
        if args.precision == 'bf16' and not cpu_has_bf16():
            raise UserError('--precision bf16 on CPU, /proc/cpuinfo reports neither avx512_bf16 nor amx_bf16, use '
                            '--precision fp32 or int8 (ONNX Runtime)')
        if args.precision == 'int8' and args.backend == 'paddle':
            raise UserError('--backend paddle --precision int8 on CPU, Paddle Inference has no int8 path for a '
                            'Paddle 3 (.json) export without PaddleSlim, use --backend onnxruntime (or auto) after '
                            '`python tools/quantize.py --model_dir <export dir> --calib_data <.npy>`')
    if args.backend != 'auto':
        if args.backend == 'onnxruntime' and args.precision == 'bf16':
            raise UserError('--precision bf16 runs on Paddle Inference only, pass --backend paddle or auto')
        return args.backend
    if args.use_gpu or args.precision in ('fp16', 'bf16'):
        return 'paddle'
    if args.precision == 'int8':
        if not onnxruntime_available():
            raise UserError('--precision int8 runs on ONNX Runtime, which is not installed, pip install onnxruntime')
        return 'onnxruntime'
    has_onnx = os.path.isfile(args.onnx_file or os.path.join(model_dir(args), 'model.onnx'))
    return 'onnxruntime' if has_onnx and onnxruntime_available() else 'paddle'


class Predictor:
    """One interface over Paddle Inference and ONNX Runtime: run([B, I, C, T, V, M]) -> probabilities."""

    def __init__(self, args):
        self.model_file, params_file = resolve_model(args)
        self.backend, self.config, self.verbose = args.backend, None, args.verbose
        if self.backend == 'onnxruntime':
            import onnxruntime as ort
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = args.cpu_threads
            opts.log_severity_level = 0 if args.verbose else 3
            self.sess = ort.InferenceSession(self.model_file, opts, providers=['CPUExecutionProvider'])
            self.config = {'runtime_device': 'cpu', 'backend': 'onnxruntime',
                           'cpu_math_library_num_threads': args.cpu_threads}
            return
        from paddle import inference
        config = inference.Config(self.model_file, params_file)
        if args.use_gpu:
            config.enable_use_gpu(args.gpu_mem, 0)
            if args.use_tensorrt:
                precision = {'fp32': inference.PrecisionType.Float32, 'fp16': inference.PrecisionType.Half,
                             'int8': inference.PrecisionType.Int8}[args.precision]
                config.enable_tensorrt_engine(precision_mode=precision, max_batch_size=args.batch_size)
        else:
            config.disable_gpu()
            config.set_cpu_math_library_num_threads(args.cpu_threads)
            if args.enable_mkldnn:
                config.set_mkldnn_cache_capacity(10)
                config.enable_mkldnn()
                if args.precision == 'bf16':  # choose_backend checked the CPU flags
                    config.enable_mkldnn_bfloat16()
            else:
                config.disable_mkldnn()  # on by default in Paddle 3
        config.switch_ir_optim(args.ir_optim)
        if self.model_file.endswith('.pdmodel'):
            config.enable_memory_optim()  # breaks create_predictor on PIR (.json) models in 3.3
        config.switch_use_feed_fetch_ops(False)
        if not args.verbose:
            config.disable_glog_info()  # no IR pass names
        self.config = config
        with quiet_native(not args.verbose):
            self.predictor = inference.create_predictor(config)
        self.input = self.predictor.get_input_handle(self.predictor.get_input_names()[0])
        self.output = self.predictor.get_output_handle(self.predictor.get_output_names()[0])

    def run(self, x):
        if self.backend == 'onnxruntime':
            return self.sess.run(None, {self.sess.get_inputs()[0].name: x})[0]
        self.input.reshape(list(x.shape))
        self.input.copy_from_cpu(x)
        with quiet_native(not self.verbose):  # oneDNN prints pass names on stdout at a new shape's first run
            self.predictor.run()
        return self.output.copy_to_cpu()


def predictions(prob, names, start: int, class_names) -> list:
    """One result entry per row of prob: name, top-1 id/name/score, top-5 ids and scores."""
    import numpy as np
    if prob.shape[1] != len(class_names):
        raise UserError(f'the model outputs {prob.shape[1]} classes but its config has num_class {len(class_names)}'
                        ', pass the --config the model was exported with')
    if not np.isfinite(prob).all():
        raise UserError(f'the model gave non-finite scores for {names[start]}, re-export a trained checkpoint')
    out = []
    for i, p in enumerate(prob):
        top5 = np.argsort(-p, kind='stable')[:5]
        out.append({'name': names[start + i], 'class_id': int(top5[0]), 'class_name': class_names[int(top5[0])],
                    'score': float(p[top5[0]]), 'top5_ids': [int(c) for c in top5],
                    'top5_scores': [float(p[c]) for c in top5]})
    return out


def print_result(r: dict) -> None:
    print(f'Current video file: {r["name"]}')
    print(f'\ttop-1 class: {r["class_id"]}')
    print(f'\ttop-1 class name: {r["class_name"]}')
    print(f'\ttop-1 score: {r["score"]}')
    print('\ttop-5: ' + ', '.join(f'{c}:{s:.6f}' for c, s in zip(r['top5_ids'], r['top5_scores'])))


def _autolog(args, predictor, data_shape):
    try:
        import auto_log
    except ImportError:
        from utils import auto_log
    return auto_log.AutoLogger(
        model_name='EfficientGCN', model_precision=args.precision, batch_size=args.batch_size,
        data_shape=[args.batch_size] + list(data_shape), save_path=None, inference_config=predictor.config,
        pids=os.getpid(), process_name=None, gpu_ids=None,
        time_keys=['preprocess_time', 'inference_time', 'postprocess_time'], warmup=1)


def run(args, cfg, data, names) -> tuple:
    """(results, autolog): every sample through the predictor; benchmark mode repeats the set (at least 3 batches) for the timings."""
    import numpy as np

    from datasets.transforms import build_transform
    from utils.config import class_names
    predictor = Predictor(args)
    labels_of = class_names(cfg)
    transform = build_transform(cfg['dataset_args']['num_frame'], cfg['dataset_args']['inputs'])
    autolog = _autolog(args, predictor, cfg['data_shape']) if args.enable_benchmark else None
    repeats = max(1, -(-3 // max(1, -(-len(data) // args.batch_size)))) if autolog else 1
    results = []
    for rep in range(repeats):
        for start in range(0, len(data), args.batch_size):
            if autolog:
                autolog.times.start()
            x = np.stack([transform(np.asarray(s)) for s in data[start:start + args.batch_size]])
            if autolog:
                autolog.times.stamp()
            prob = predictor.run(x)
            if autolog:
                autolog.times.stamp()
            batch = predictions(prob, names, start, labels_of)
            if autolog:
                autolog.times.end(stamp=True)
            if rep == 0:
                results.extend(batch)
    return results, autolog


def main(argv=None) -> None:
    args = get_parser().parse_args(argv)
    if not args.verbose:
        os.environ.setdefault('GLOG_minloglevel', '3')  # before paddle is imported: no glog lines
    if not args.input_file:
        raise UserError('no input, pass --input_file <.skeleton|.npy> (or --data_file)')
    if args.use_gpu:
        import paddle
        if not (paddle.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0):
            raise UserError('--use_gpu True but paddle sees no GPU, use --use_gpu False')
    from datasets.feeder import load_input_file
    from utils.config import load_config, resolve_config
    args.backend = choose_backend(args)
    model_file = resolve_model(args)[0]
    cfg = load_config(resolve_config(args.config, model_dir(args), '--model_dir'))
    # raw .skeleton: the reader of the training data, pre-normalised when the config's dataset_args.transform
    # is set (the official x-view configs), so that the model sees the skeletons it was trained on
    data, names, labels = load_input_file(args.input_file, args.label_file, cfg['dataset_args']['transform'])
    print(f'Inference model(EfficientGCN) with {args.backend} ({args.precision})...')
    results, autolog = run(args, cfg, data, names)
    for r in results:
        print_result(r)
    if labels is not None:
        import numpy as np
        accuracy = float(np.mean(np.array([r['class_id'] for r in results]) == labels))
        print(f'Infer Mean Accuracy: {accuracy:.4f} ({len(labels)} samples)')
    if args.save_results:
        from utils import write_json
        write_json(args.save_results, {'model': model_file, 'backend': args.backend,
                                              'precision': args.precision, 'input_file': args.input_file,
                                              'results': results})
        print(f'results saved to {args.save_results}')
    if autolog:
        autolog.report()


if __name__ == '__main__':
    run_main(main)
