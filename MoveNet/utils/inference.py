"""Running an exported MoveNet: Paddle Inference or ONNX Runtime behind one `Predictor.run(batch) -> outputs`, and
the decode of its outputs into keypoints in the input image's pixels (infer.py, tools/benchmark.py, tests)."""
import os
from typing import List, Optional, Sequence, Tuple

import numpy as np

from utils import UserError

MODEL_NAMES = ('model.json', 'model.pdmodel')  # Paddle 3 (PIR) / Paddle 2


def resolve_model(model_file: Optional[str], params_file: Optional[str], model_dir: Optional[str],
                  onnx_file: Optional[str], backend: str, int8: bool = False) -> Tuple[str, Optional[str], str]:
    """-> (model file, params file, export dir). model.json (Paddle 3) or model.pdmodel (Paddle 2), whichever
    exists; for onnxruntime the --onnx_file, default <export dir>/model.onnx."""
    if model_dir:
        if not os.path.isdir(model_dir):
            raise UserError(f'export folder {model_dir} not found, --model_dir, run export_model.py first')
        model_file = next((os.path.join(model_dir, n) for n in MODEL_NAMES if os.path.isfile(os.path.join(model_dir, n))),
                          model_file or os.path.join(model_dir, MODEL_NAMES[0]))
        params_file = params_file or os.path.join(model_dir, 'model.pdiparams')
    if not model_file:
        raise UserError('no model given, --model_dir or --model_file/--params_file, pass the files written by '
                        'export_model.py')
    export_dir = model_dir or os.path.dirname(os.path.abspath(model_file))
    if backend == 'onnxruntime':
        onnx_file = onnx_file or os.path.join(export_dir, 'model_int8.onnx' if int8 else 'model.onnx')
        if not os.path.isfile(onnx_file):
            raise UserError(f'{onnx_file} not found, --onnx_file, export with `export_model.py --onnx True` or '
                            'pass the .onnx file')
        return onnx_file, None, export_dir
    if not os.path.isfile(model_file):
        stem, ext = os.path.splitext(model_file)
        other = {'.json': '.pdmodel', '.pdmodel': '.json'}.get(ext)
        if other and os.path.isfile(stem + other):
            model_file = stem + other
        else:
            raise UserError(f'{model_file} not found, --model_file, run export_model.py first')
    if not (params_file and os.path.isfile(params_file)):
        raise UserError(f'{params_file} not found, --params_file, pass the model.pdiparams next to the model')
    return model_file, params_file, export_dir


QUANTIZE_HINT = 'python tools/quantize.py --model_dir {dir} --calib_data <images or a cropped/ dataset root>'


def cpu_has_bf16() -> bool:
    """bf16 kernels need avx512_bf16 or amx_bf16 in the CPU flags."""
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


def choose_backend(backend: str, precision: str, use_gpu: bool, export_dir: str) -> str:
    """--backend auto|paddle|onnxruntime and --precision -> the engine that runs, or one UserError.
    auto on CPU: ONNX Runtime when it is installed and <export>/model.onnx exists (tools/benchmark.py: 2.8 ms vs
    8.9 ms for Paddle Inference with oneDNN, batch 1, 1 thread), else Paddle Inference with oneDNN.
    CPU fp16: refused (no fp16 kernels on this CPU path); bf16: Paddle Inference oneDNN bf16, only when the CPU
    reports avx512_bf16/amx_bf16; int8: ONNX Runtime on model_int8.onnx (tools/quantize.py); Paddle Inference's own
    CPU int8 needs a PaddleSlim-quantised model, so --backend paddle --precision int8 is refused. GPU: Paddle
    Inference (fp16/int8 through TensorRT)."""
    if use_gpu:
        if backend == 'onnxruntime':
            raise UserError('--backend onnxruntime runs on CPU here, command line, pass --use_gpu False or --backend '
                            'paddle')
        return 'paddle'
    if precision == 'fp16':
        raise UserError('--precision fp16 on CPU: neither Paddle Inference nor ONNX Runtime has fp16 CPU kernels '
                        '(it would run fp32 or bf16 and call it fp16), command line, pass --precision fp32, or int8 '
                        '(ONNX Runtime), or --use_gpu True')
    if precision == 'bf16':
        if backend == 'onnxruntime':
            raise UserError('--precision bf16 runs on Paddle Inference (oneDNN), command line, pass --backend paddle')
        if not cpu_has_bf16():
            raise UserError('--precision bf16: this CPU reports neither avx512_bf16 nor amx_bf16 (/proc/cpuinfo), '
                            'command line, pass --precision fp32 (or int8 with ONNX Runtime)')
        return 'paddle'
    if precision == 'int8':
        if backend == 'paddle':
            raise UserError('--backend paddle --precision int8 on CPU: Paddle Inference runs int8 only on a '
                            'PaddleSlim-quantised model, which this folder does not make, command line, pass '
                            f'--backend onnxruntime --precision int8 after `{QUANTIZE_HINT.format(dir=export_dir)}`')
        if not onnxruntime_available():
            raise UserError('--precision int8 needs onnxruntime, command line, pip install onnxruntime')
        if not os.path.isfile(os.path.join(export_dir, 'model_int8.onnx')):
            raise UserError(f'{os.path.join(export_dir, "model_int8.onnx")} not found, --precision int8, make it with '
                            f'`{QUANTIZE_HINT.format(dir=export_dir)}`')
        return 'onnxruntime'
    if backend == 'auto':
        found = os.path.isfile(os.path.join(export_dir, 'model.onnx'))
        return 'onnxruntime' if found and onnxruntime_available() else 'paddle'
    return backend


class Predictor:
    """One `run(batch [N,3,S,S] float32) -> list of outputs` over Paddle Inference or ONNX Runtime.
    verbose=False turns Paddle Inference's glog (pass names, ...) off."""

    def __init__(self, model_file: str, params_file: Optional[str], backend: str = 'paddle', use_gpu: bool = False,
                 enable_mkldnn: bool = True, cpu_threads: int = 1, use_tensorrt: bool = False,
                 precision: str = 'fp32', ir_optim: bool = True, gpu_mem: int = 8000, batch_size: int = 1,
                 verbose: bool = False):
        self.backend = backend
        self.config = None
        if backend == 'onnxruntime':
            import onnxruntime as ort
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = cpu_threads
            opts.log_severity_level = 0 if verbose else 3
            try:
                self.sess = ort.InferenceSession(model_file, opts, providers=['CPUExecutionProvider'])
            except Exception as e:  # onnxruntime raises its own Fail/InvalidProtobuf types
                raise UserError(f'cannot load {model_file} ({type(e).__name__}), --onnx_file, export it again with '
                                '`export_model.py --onnx True`')
            self.input_name = self.sess.get_inputs()[0].name
            self.conf = {'runtime_device': 'cpu', 'backend': 'onnxruntime', 'ir_optim': True,
                         'enable_mkldnn': False, 'cpu_math_library_num_threads': cpu_threads}
            return
        from paddle import inference
        config = inference.Config(model_file, params_file)
        if not verbose:
            config.disable_glog_info()
        if use_gpu:
            config.enable_use_gpu(gpu_mem, 0)
            if use_tensorrt:
                kind = {'fp16': inference.PrecisionType.Half, 'int8': inference.PrecisionType.Int8}.get(
                    precision, inference.PrecisionType.Float32)
                config.enable_tensorrt_engine(workspace_size=1 << 30, max_batch_size=batch_size,
                                              min_subgraph_size=3, precision_mode=kind)
        else:
            config.disable_gpu()
            config.set_cpu_math_library_num_threads(cpu_threads)
            if enable_mkldnn or precision == 'bf16':
                config.set_mkldnn_cache_capacity(10)
                config.enable_mkldnn()
                if precision == 'bf16':
                    config.enable_mkldnn_bfloat16()
            else:
                config.disable_mkldnn()
        config.switch_ir_optim(ir_optim)
        if model_file.endswith('.pdmodel'):  # breaks create_predictor on PIR (.json) models in Paddle 3.3
            config.enable_memory_optim()
        self.config = config
        try:
            self.predictor = inference.create_predictor(config)
        except Exception as e:  # a damaged or foreign model file
            raise UserError(f'cannot load {model_file} ({type(e).__name__}: {str(e).strip().splitlines()[-1][:120]}), '
                            '--model_file, export it again with export_model.py')

    def run(self, batch: np.ndarray) -> List[np.ndarray]:
        if self.backend == 'onnxruntime':
            return self.sess.run(None, {self.input_name: batch})
        handle = self.predictor.get_input_handle(self.predictor.get_input_names()[0])
        handle.reshape(batch.shape)
        handle.copy_from_cpu(batch)
        self.predictor.run()
        return [self.predictor.get_output_handle(n).copy_to_cpu() for n in self.predictor.get_output_names()]


def output_joints(outputs: Sequence[np.ndarray]) -> int:
    """Joint count of a network export (4 maps: heatmaps first) or a --with_decode export ([N,J,3])."""
    return int(outputs[0].shape[1])


def postprocess(outputs: Sequence[np.ndarray], hm_th: float, img_size: int = 192,
                units: str = 'pixels') -> np.ndarray:
    """Network outputs (4 maps) or an in-graph decode ([N,J,3], x, y in `units`: TEST.keypoint_units of the export,
    'pixels' of the img_size input or 'normalized') -> keypoints [N,J,3] (x, y normalised; -1 where the score is
    below hm_th)."""
    if len(outputs) == 1:
        kps = np.array(outputs[0], dtype=np.float32)
        if units == 'pixels':
            found = kps[..., 0] >= 0
            kps[..., :2] = np.where(found[..., None], kps[..., :2] / np.float32(img_size), kps[..., :2])
        return kps
    from models.decode import decode_outputs
    return decode_outputs(outputs, hm_th)


def to_pixels(kps: np.ndarray, width: int, height: int) -> List[List[float]]:
    """[J,3] normalised keypoints of one frame -> [[x, y, score]] in the frame's pixels (the frame was resized to
    the square input without keeping its aspect, so x scales by the width and y by the height); a keypoint below
    the score threshold keeps x = y = -1."""
    out = []
    for x, y, s in np.asarray(kps, dtype=np.float64):
        found = x >= 0
        out.append([round(x * width, 4) if found else -1.0, round(y * height, 4) if found else -1.0, round(s, 6)])
    return out


def check_finite(outputs: Sequence[np.ndarray], names: Sequence[str], flag: str = '--model_dir') -> None:
    """Broken weights (NaN/inf from a diverged training) give non-finite maps: one error line, never `score nan`."""
    for out in outputs:
        bad = ~np.isfinite(np.asarray(out)).reshape(len(out), -1).all(1)
        if bad.any():
            raise UserError(f'the model gives non-finite outputs (NaN/inf) for {names[int(np.argmax(bad))]}, {flag}, '
                            'the weights are broken: use the checkpoint of a training that ended normally')
