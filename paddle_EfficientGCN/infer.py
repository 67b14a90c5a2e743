"""Paddle Inference (or ONNX Runtime) on an exported EfficientGCN; any batch size.

    python infer.py --model_dir inference --input_file sample.skeleton
    python infer.py --model_dir inference --data_file eval_data.npy --label_file eval_label.pkl --batch_size 16
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from utils import UserError, run_main, str2bool  # noqa: E402


def get_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model_file', default=None, help='model.json (Paddle 3) or model.pdmodel (Paddle 2)')
    p.add_argument('--params_file', default=None, help='model.pdiparams')
    p.add_argument('--model_dir', default=None, help='folder of model.json|model.pdmodel + model.pdiparams')
    p.add_argument('--input_file', '--data_file', dest='input_file', default=None,
                   help='.skeleton file or [N, 3, T, 25, M] .npy')
    p.add_argument('--label_file', default=None, help='{phase}_label.pkl to report accuracy (seed interface)')
    p.add_argument('-b', '--batch_size', type=int, default=1)
    p.add_argument('--use_gpu', type=str2bool, default=False)
    p.add_argument('--enable_mkldnn', type=str2bool, default=False)
    p.add_argument('--cpu_threads', type=int, default=1)
    p.add_argument('--use_tensorrt', type=str2bool, default=False)
    p.add_argument('--precision', choices=['fp32', 'fp16', 'int8'], default='fp32')
    p.add_argument('--ir_optim', type=str2bool, default=True)
    p.add_argument('--gpu_mem', type=int, default=8000)
    p.add_argument('--enable_benchmark', type=str2bool, default=False)
    p.add_argument('--backend', choices=['paddle', 'onnxruntime'], default='paddle')
    return p


def resolve_model(args) -> tuple:
    """(model_file, params_file), accepting .json for .pdmodel and the other way round."""
    model_file, params_file = args.model_file, args.params_file
    if args.model_dir:
        model_file = model_file or next((os.path.join(args.model_dir, f) for f in ('model.json', 'model.pdmodel')
                                         if os.path.exists(os.path.join(args.model_dir, f))), None)
        params_file = params_file or os.path.join(args.model_dir, 'model.pdiparams')
    if not model_file:
        raise UserError('no model given, pass --model_dir <export dir> or --model_file/--params_file')
    if args.backend == 'onnxruntime':
        model_file = os.path.splitext(model_file)[0] + '.onnx'
    elif not os.path.exists(model_file):
        stem, ext = os.path.splitext(model_file)
        other = stem + ('.pdmodel' if ext == '.json' else '.json')
        model_file = other if os.path.exists(other) else model_file
    params_file = params_file or os.path.splitext(model_file)[0] + '.pdiparams'
    for f in [model_file] + ([params_file] if args.backend == 'paddle' else []):
        if not os.path.exists(f):
            raise UserError(f'{f} not found, export the model first (export_model.py'
                            f'{" --onnx True" if f.endswith(".onnx") else ""})')
    return model_file, params_file


class Predictor:
    """One interface over Paddle Inference and ONNX Runtime: run([B, I, C, T, V, M]) -> probabilities."""

    def __init__(self, args):
        model_file, params_file = resolve_model(args)
        self.backend, self.model_file = args.backend, model_file
        self.config = None
        if self.backend == 'onnxruntime':
            import onnxruntime as ort
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = args.cpu_threads
            self.sess = ort.InferenceSession(model_file, opts, providers=['CPUExecutionProvider'])
            return
        from paddle import inference
        config = inference.Config(model_file, params_file)
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
            else:
                config.disable_mkldnn()  # on by default in Paddle 3
        config.switch_ir_optim(args.ir_optim)
        if model_file.endswith('.pdmodel'):
            config.enable_memory_optim()  # breaks create_predictor on PIR (.json) models in 3.3
        config.switch_use_feed_fetch_ops(False)
        self.config = config
        self.predictor = inference.create_predictor(config)
        self.input = self.predictor.get_input_handle(self.predictor.get_input_names()[0])
        self.output = self.predictor.get_output_handle(self.predictor.get_output_names()[0])

    def run(self, x: np.ndarray) -> np.ndarray:
        if self.backend == 'onnxruntime':
            return self.sess.run(None, {self.sess.get_inputs()[0].name: x})[0]
        self.input.reshape(list(x.shape))
        self.input.copy_from_cpu(x)
        self.predictor.run()
        return self.output.copy_to_cpu()


def main(argv=None) -> None:
    args = get_parser().parse_args(argv)
    if not args.input_file:
        raise UserError('no input, pass --input_file <.skeleton|.npy> (or --data_file)')
    if args.batch_size < 1:
        raise UserError(f'--batch_size must be >= 1, got {args.batch_size}')
    if args.use_gpu:
        import paddle
        if not (paddle.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0):
            raise UserError('--use_gpu True but paddle sees no GPU, use --use_gpu False')
    from datasets.feeder import load_input_file
    from datasets.transforms import Compose, MultiInput, TakeFirstFrames

    predictor = Predictor(args)
    cfg_path = os.path.join(os.path.dirname(os.path.abspath(predictor.model_file)), 'infer_cfg.json')
    if not os.path.isfile(cfg_path):
        raise UserError(f'{cfg_path} not found; it is written by export_model.py next to the model, re-export')
    with open(cfg_path) as f:
        infer_cfg = json.load(f)
    transform = Compose([TakeFirstFrames(infer_cfg['data_shape'][2]), MultiInput(infer_cfg['inputs'])])
    if args.input_file.endswith('.skeleton') and 'transform' not in infer_cfg:
        raise UserError(f'{cfg_path} does not say whether the model was trained on pre-normalised skeletons '
                        '(written by an older export_model.py), re-export the model with export_model.py')
    # raw .skeleton: the reader of the training data, pre-normalised when the config's dataset_args.transform
    # is set (the official x-view configs), so that the model sees the skeletons it was trained on
    data, names, labels = load_input_file(args.input_file, args.label_file, bool(infer_cfg.get('transform')))
    print('Inference model(EfficientGCN)...')
    autolog = None
    if args.enable_benchmark:
        try:
            import auto_log
        except ImportError:
            from utils import auto_log
        autolog = auto_log.AutoLogger(
            model_name='EfficientGCN', model_precision=args.precision, batch_size=args.batch_size,
            data_shape=[args.batch_size] + infer_cfg['data_shape'], save_path=None,
            inference_config=predictor.config, pids=os.getpid(), process_name=None,
            gpu_ids=None, time_keys=['preprocess_time', 'inference_time', 'postprocess_time'], warmup=1)
    # benchmark: run the set at least 3 times so there are more batches than warm-up ones
    repeats = max(1, -(-3 // max(1, -(-len(data) // args.batch_size)))) if autolog else 1
    predictions = []
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
            cls, score = prob.argmax(1), prob.max(1)
            if autolog:
                autolog.times.end(stamp=True)
            if rep == 0:
                predictions.extend(cls.tolist())
            if not autolog:
                for i in range(len(cls)):
                    print(f'Current video file: {names[start + i]}')
                    print(f'\ttop-1 class: {int(cls[i])}')
                    print(f'\ttop-1 score: {float(score[i])}')
    if labels is not None:
        print(f'Infer Mean Accuracy: {float(np.mean(np.array(predictions) == labels)):.4f} '
              f'({len(labels)} samples)')
    if autolog:
        if hasattr(autolog, 'sample_memory'):
            autolog.sample_memory()
        autolog.report()


if __name__ == '__main__':
    run_main(main)
