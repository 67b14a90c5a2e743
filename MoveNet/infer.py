"""MoveNet inference with Paddle Inference or ONNX Runtime on an image, a folder of images or a video.

Per sample it prints `Current video file: <name>` and one line `\tkeypoints: [[x, y, score] x 17]` (x, y
normalised to the input; -1 where the score is below the threshold); --output also writes JSON lines."""
import argparse
import glob
import json
import os
import sys
from typing import Iterator, List, Tuple

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from utils import UserError, input_path, run_main, str2bool  # noqa: E402

IMAGE_EXTS = ('.jpg', '.jpeg', '.png', '.bmp')
VIDEO_EXTS = ('.mp4', '.avi', '.mov', '.mkv')


def preprocess(img_bgr: np.ndarray, img_size: int = 192) -> np.ndarray:
    """BGR image -> [3,S,S] float32 RGB 0-255 (the model normalises inside)."""
    img = cv2.resize(cv2.cvtColor(img_bgr, cv2.COLOR_BGR2RGB), (img_size, img_size), interpolation=cv2.INTER_LINEAR)
    return img.transpose(2, 0, 1).astype(np.float32)


def iter_frames(path: str) -> Iterator[Tuple[str, np.ndarray]]:
    """(name, BGR frame) for an image, every image of a folder, or every frame of a video."""
    if os.path.isdir(path):
        files = sorted(f for f in glob.glob(os.path.join(path, '*')) if f.lower().endswith(IMAGE_EXTS))
        if not files:
            raise UserError(f'no images in folder {path}, --input_file, pass an image, a folder of images or a video')
    elif os.path.isfile(path):
        files = [path]
    else:
        raise UserError(f'{path} not found, --input_file, pass an image, a folder of images or a video')
    for f in files:
        if f.lower().endswith(VIDEO_EXTS):
            cap = cv2.VideoCapture(f)
            i = 0
            while True:
                ok, frame = cap.read()
                if not ok:
                    break
                yield f'{f}#{i}', frame
                i += 1
            cap.release()
            if i == 0:
                raise UserError(f'cannot read video {f}, --input_file, check the file or its codec')
        else:
            img = cv2.imread(f)
            if img is None:
                raise UserError(f'cannot decode image {f}, --input_file, pass a jpg/png image')
            yield f, img


def resolve_model(model_file: str, params_file: str, model_dir: str, backend: str) -> Tuple[str, str]:
    """Accept model.json (Paddle 3) or model.pdmodel (Paddle 2) whichever exists; model.onnx for onnxruntime."""
    if model_dir:
        names = ['model.onnx'] if backend == 'onnxruntime' else ['model.json', 'model.pdmodel']
        model_file = next((os.path.join(model_dir, n) for n in names if os.path.isfile(os.path.join(model_dir, n))),
                          os.path.join(model_dir, names[0]))
        params_file = params_file or os.path.join(model_dir, 'model.pdiparams')
    if not model_file:
        raise UserError('no model given, --model_file/--model_dir, pass the files written by export_model.py')
    if not os.path.isfile(model_file):
        stem, ext = os.path.splitext(model_file)
        other = {'.json': '.pdmodel', '.pdmodel': '.json'}.get(ext)
        if other and os.path.isfile(stem + other):
            model_file = stem + other
        else:
            raise UserError(f'{model_file} not found, --model_file, run export_model.py first')
    if backend == 'paddle' and not (params_file and os.path.isfile(params_file)):
        raise UserError(f'{params_file} not found, --params_file, pass the model.pdiparams next to the model')
    return model_file, params_file


class Predictor:
    """One `run(batch [N,3,S,S]) -> list of outputs` over Paddle Inference or ONNX Runtime."""

    def __init__(self, args: argparse.Namespace):
        self.backend = args.backend
        model_file, params_file = resolve_model(args.model_file, args.params_file, args.model_dir, args.backend)
        self.config = None
        if args.backend == 'onnxruntime':
            import onnxruntime as ort
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = args.cpu_threads
            self.sess = ort.InferenceSession(model_file, opts, providers=['CPUExecutionProvider'])
            self.input_name = self.sess.get_inputs()[0].name
            return
        from paddle import inference
        config = inference.Config(model_file, params_file)
        if args.use_gpu:
            config.enable_use_gpu(args.gpu_mem, 0)
            if args.use_tensorrt:
                precision = {'fp16': inference.PrecisionType.Half, 'int8': inference.PrecisionType.Int8}.get(
                    args.precision, inference.PrecisionType.Float32)
                config.enable_tensorrt_engine(workspace_size=1 << 30, max_batch_size=args.batch_size,
                                              min_subgraph_size=3, precision_mode=precision)
        else:
            config.disable_gpu()
            config.set_cpu_math_library_num_threads(args.cpu_threads)
            if args.enable_mkldnn:
                config.set_mkldnn_cache_capacity(10)
                config.enable_mkldnn()
            else:
                config.disable_mkldnn()
        config.switch_ir_optim(args.ir_optim)
        if model_file.endswith('.pdmodel'):  # breaks create_predictor on PIR (.json) models in Paddle 3.3
            config.enable_memory_optim()
        self.config = config
        self.predictor = inference.create_predictor(config)

    def run(self, batch: np.ndarray) -> List[np.ndarray]:
        if self.backend == 'onnxruntime':
            return self.sess.run(None, {self.input_name: batch})
        handle = self.predictor.get_input_handle(self.predictor.get_input_names()[0])
        handle.reshape(batch.shape)
        handle.copy_from_cpu(batch)
        self.predictor.run()
        return [self.predictor.get_output_handle(n).copy_to_cpu() for n in self.predictor.get_output_names()]


def postprocess(outputs: List[np.ndarray], hm_th: float) -> np.ndarray:
    """Network outputs (4 maps) or an in-graph decode ([N,17,3]) -> keypoints [N,17,3]."""
    if len(outputs) == 1:
        return outputs[0]
    from models.decode import decode_outputs
    return decode_outputs(outputs, hm_th)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model_file', default=None, help='model.json / model.pdmodel / model.onnx')
    p.add_argument('--params_file', default=None, help='model.pdiparams')
    p.add_argument('--model_dir', default=None, help='folder of export_model.py (instead of the two files)')
    p.add_argument('--input_file', required=True, help='an image, a folder of images or a video')
    p.add_argument('-b', '--batch_size', type=int, default=1)
    p.add_argument('--use_gpu', type=str2bool, default=False)
    p.add_argument('--enable_mkldnn', type=str2bool, default=True)
    p.add_argument('--cpu_threads', type=int, default=2)
    p.add_argument('--use_tensorrt', type=str2bool, default=False)
    p.add_argument('--precision', default='fp32', choices=['fp32', 'fp16', 'int8'])
    p.add_argument('--ir_optim', type=str2bool, default=True)
    p.add_argument('--gpu_mem', type=int, default=8000)
    p.add_argument('--enable_benchmark', type=str2bool, default=False)
    p.add_argument('--backend', default='paddle', choices=['paddle', 'onnxruntime'])
    p.add_argument('--img_size', type=int, default=192)
    p.add_argument('--hm_th', type=float, default=0.1, help='decode score threshold')
    p.add_argument('--output', default=None, help='also write one JSON line per sample to this file')
    return p.parse_args()


def main() -> None:
    args = parse_args()
    if args.batch_size < 1:
        raise UserError(f'--batch_size {args.batch_size} must be >= 1, command line')
    if args.use_gpu:
        import paddle
        if not paddle.is_compiled_with_cuda():
            raise UserError('--use_gpu True, but this paddle has no CUDA, command line, pass --use_gpu False')
    for key in ('model_file', 'params_file', 'model_dir', 'input_file'):
        setattr(args, key, input_path(getattr(args, key)))
    predictor = Predictor(args)
    name = args.model_file or args.model_dir
    print(f'Inference model({name})...')
    frames = list(iter_frames(args.input_file))
    batches = [frames[i:i + args.batch_size] for i in range(0, len(frames), args.batch_size)]
    autolog, rounds = None, 1
    if args.enable_benchmark:
        try:
            import auto_log
        except ImportError:
            from utils import auto_log
        warmup = 2
        rounds = -(-(warmup + 8) // len(batches))  # enough timed batches beyond the warm-up ones
        autolog = auto_log.AutoLogger(model_name='movenet', model_precision=args.precision, batch_size=args.batch_size,
                                      data_shape=[3, args.img_size, args.img_size], save_path=None,
                                      inference_config=predictor.config, pids=os.getpid(), process_name=None,
                                      gpu_ids=None, time_keys=['preprocess_time', 'inference_time', 'postprocess_time'],
                                      warmup=warmup)
    out_f = open(args.output, 'w') if args.output else None
    for r in range(rounds):
        for batch in batches:
            if autolog:
                autolog.times.start()
            x = np.stack([preprocess(img, args.img_size) for _, img in batch])
            if autolog:
                autolog.times.stamp()
            outputs = predictor.run(x)
            if autolog:
                autolog.times.stamp()
            kps = postprocess(outputs, args.hm_th)
            if autolog:
                autolog.times.end(stamp=True)
            if r > 0:
                continue
            for (fname, _), k in zip(batch, kps):
                line = np.round(k.astype(np.float64), 4).tolist()
                print(f'Current video file: {fname}')
                print(f'\tkeypoints: {json.dumps(line)}')
                if out_f:
                    out_f.write(json.dumps({'file': fname, 'keypoints': line}) + '\n')
    if out_f:
        out_f.close()
    if autolog:
        autolog.report()


if __name__ == '__main__':
    run_main(main)
