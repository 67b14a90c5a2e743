"""MoveNet inference with Paddle Inference or ONNX Runtime on an image, a folder of images or a video.

Per sample it prints `Current video file: <name>` and one line `\tkeypoints: [[x, y, score] x 17]`: the 17 COCO
joints (nose, left/right eye, left/right ear, left/right shoulder, left/right elbow, left/right wrist, left/right
hip, left/right knee, left/right ankle) in the input image's pixels, x = y = -1 where the score is below TEST.hm_th.
It prints them also with --enable_benchmark True (the AutoLog report comes last). --save_results <file.json>
writes {"model", "backend", "precision", "input_file", "results": [{"name", "keypoints"}]} atomically.

The config (input size, joint count, score threshold) is the export's config.yaml, written by export_model.py;
--config overrides it. Paddle's own logs (glog, pass names) are off unless --verbose True."""
import warnings

warnings.filterwarnings('ignore', message='No ccache found')  # paddle's harmless import-time warning

import argparse
import json
import os
from typing import List, Optional

import numpy as np

from datasets.images import load_frames, preprocess
from utils import ArgumentParser, UserError, cli, input_path, str2bool, write_json
from utils.config import config_beside, load_config


def parse_args(argv: Optional[List[str]]) -> argparse.Namespace:
    p = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model_dir', default=None, help='folder of export_model.py (instead of the two files)')
    p.add_argument('--model_file', default=None, help='model.json (Paddle 3) or model.pdmodel (Paddle 2)')
    p.add_argument('--params_file', default=None, help='model.pdiparams')
    p.add_argument('--onnx_file', default=None, help='--backend onnxruntime: the .onnx (default <model dir>/model.onnx)')
    p.add_argument('--input_file', required=True, help='an image, a folder of images or a video')
    p.add_argument('-b', '--batch_size', type=int, default=1)
    p.add_argument('--use_gpu', type=str2bool, default=False)
    p.add_argument('--enable_mkldnn', type=str2bool, default=True)
    p.add_argument('--cpu_threads', type=int, default=2)
    p.add_argument('--use_tensorrt', type=str2bool, default=False)
    p.add_argument('--precision', default='fp32', choices=['fp32', 'fp16', 'bf16', 'int8'],
                   help='CPU: fp32; int8 = ONNX Runtime on model_int8.onnx (tools/quantize.py); bf16 only where the CPU '
                        'has it; fp16 refused. GPU: fp16/int8 through TensorRT')
    p.add_argument('--ir_optim', type=str2bool, default=True)
    p.add_argument('--gpu_mem', type=int, default=8000)
    p.add_argument('--enable_benchmark', type=str2bool, default=False)
    p.add_argument('--backend', default='auto', choices=['auto', 'paddle', 'onnxruntime'],
                   help='auto: ONNX Runtime when installed and <model dir>/model.onnx exists (faster here), else Paddle '
                        'Inference with oneDNN')
    p.add_argument('--save_results', default=None, help='write the predictions to this json')
    p.add_argument('--config', default=None, help='yaml config (default: config.yaml of the export dir)')
    p.add_argument('--verbose', type=str2bool, default=False, help="show Paddle's own logs (glog, passes)")
    return p.parse_args(argv)


def check_args(args: argparse.Namespace) -> None:
    for flag in ('batch_size', 'cpu_threads', 'gpu_mem'):
        if getattr(args, flag) < 1:
            raise UserError(f'--{flag} {getattr(args, flag)} must be >= 1, command line, pass a positive number')
    if args.use_gpu:
        import paddle
        if not paddle.is_compiled_with_cuda():
            raise UserError('--use_gpu True, but this paddle has no CUDA, command line, pass --use_gpu False')


def make_autolog(args, predictor, cfg):
    try:
        import auto_log
    except ImportError:
        from utils import auto_log
    return auto_log.AutoLogger(model_name='movenet', model_precision=args.precision, batch_size=args.batch_size,
                               data_shape=[3, cfg.DATA.img_size, cfg.DATA.img_size], save_path=None,
                               inference_config=predictor.config or predictor.conf, pids=os.getpid(),
                               process_name=None, gpu_ids=None,
                               time_keys=['preprocess_time', 'inference_time', 'postprocess_time'], warmup=1)


def run_batches(args, predictor, cfg, frames) -> List[dict]:
    """Every batch once (its predictions printed), then, with --enable_benchmark, more timed rounds."""
    from utils.inference import check_finite, output_joints, postprocess, to_pixels
    batches = [frames[i:i + args.batch_size] for i in range(0, len(frames), args.batch_size)]
    autolog = make_autolog(args, predictor, cfg) if args.enable_benchmark else None
    rounds = -(-5 // len(batches)) if autolog else 1  # >= 4 timed batches beyond the warm-up one
    results = []
    for r in range(rounds):
        for batch in batches:
            if autolog:
                autolog.times.start()
            x = np.stack([preprocess(img, cfg.DATA.img_size) for _, img in batch])
            if autolog:
                autolog.times.stamp()
            outputs = predictor.run(x)
            if autolog:
                autolog.times.stamp()
            if r == 0:
                check_finite(outputs, [name for name, _ in batch])
                if output_joints(outputs) != cfg.DATA.num_joints:
                    raise UserError(f'the exported model predicts {output_joints(outputs)} joints but the config has '
                                    f'DATA.num_joints {cfg.DATA.num_joints}, --config, pass the config of the export')
            kps = postprocess(outputs, cfg.TEST.hm_th, cfg.DATA.img_size, cfg.TEST.keypoint_units)
            if autolog:
                autolog.times.end(stamp=True)
            if r > 0:
                continue
            for (name, img), k in zip(batch, kps):
                points = to_pixels(k, img.shape[1], img.shape[0])
                print(f'Current video file: {name}')
                print(f'\tkeypoints: {json.dumps(points)}')
                results.append({'name': name, 'keypoints': points})
    if autolog:
        autolog.report()
    return results


@cli
def main(argv: Optional[List[str]] = None) -> None:
    args = parse_args(argv)
    if not args.verbose:
        os.environ.setdefault('GLOG_minloglevel', '3')  # before paddle is imported: no glog lines
    check_args(args)
    for key in ('model_file', 'params_file', 'model_dir', 'onnx_file', 'input_file', 'config'):
        setattr(args, key, input_path(getattr(args, key)))
    from utils.inference import Predictor, choose_backend, resolve_model
    given = args.model_dir or args.model_file or args.onnx_file
    if not given:
        resolve_model(None, None, None, None, 'paddle')  # the one error line: no model given
    export_dir = args.model_dir or os.path.dirname(os.path.abspath(given))
    args.backend = choose_backend(args.backend, args.precision, args.use_gpu, export_dir)
    model_file, params_file, export_dir = resolve_model(args.model_file, args.params_file, args.model_dir,
                                                        args.onnx_file, args.backend, args.precision == 'int8')
    config = args.config or config_beside(export_dir)
    if config is None:
        raise UserError(f'no config.yaml in {export_dir} and no --config, --config, export again with '
                        'export_model.py (it writes config.yaml) or pass the training config')
    cfg = load_config(config)
    frames = load_frames(args.input_file)  # every input read and checked before the model runs
    predictor = Predictor(model_file, params_file, args.backend, args.use_gpu, args.enable_mkldnn, args.cpu_threads,
                          args.use_tensorrt, args.precision, args.ir_optim, args.gpu_mem, args.batch_size,
                          args.verbose)
    print(f'Inference model({model_file}) with {args.backend}{" int8" if args.precision == "int8" else ""}...')
    results = run_batches(args, predictor, cfg, frames)
    if args.save_results:
        write_json(os.path.abspath(args.save_results), {
            'model': model_file, 'backend': args.backend, 'precision': args.precision,
            'input_file': args.input_file, 'results': results})


if __name__ == '__main__':
    main()
