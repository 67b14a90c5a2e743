"""Running an exported PoseC3D (export_model.py) on CPU or GPU: which backend and precision, and the predictor.

infer.py, test.py --model_dir, predict.py --model_dir and tools/benchmark.py all build their predictor here, so
"the fast path by default" means the same thing everywhere:

- `--backend auto` (the default) runs Paddle Inference with oneDNN for fp32: bench/results.json (tools/benchmark.py)
  measures it level with ONNX Runtime at 1 thread and faster at 2 on the same export for this model (AUTO_FP32
  below; tests/test_inference_choice.py keeps it within 10 % of the faster path in the committed figures).
  `--precision int8` runs ONNX Runtime on <export>/model_int8.onnx (tools/quantize.py writes it).
- Precision on CPU: fp32; int8 through ONNX Runtime only (Paddle Inference's oneDNN int8 needs a model carrying
  quantisation scales: on a Paddle 3.3 export `enable_mkldnn_int8()` computes in float32, outputs bit-identical,
  so it is refused rather than faked); bf16 through oneDNN only where /proc/cpuinfo reports avx512_bf16 or amx_bf16;
  fp16 refused (no CPU float16 arithmetic here). On GPU, fp16/int8 keep Paddle Inference's TensorRT path.
"""
from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from typing import Callable, Optional

import numpy as np

from utils import UserError

# the backend `--backend auto` picks for fp32 on CPU: "paddle" (oneDNN on) or "onnxruntime"; what
# bench/results.json shows faster for this model (tests/test_inference_choice.py keeps the two in step)
AUTO_FP32 = "paddle"
PRECISIONS = ("fp32", "fp16", "bf16", "int8")
BACKENDS = ("auto", "paddle", "onnxruntime")
INT8_ONNX = "model_int8.onnx"


def cpu_flags() -> set:
    """The CPU feature flags of /proc/cpuinfo (empty where there is none)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("flags"):
                    return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def cpu_has_bf16() -> bool:
    return bool(cpu_flags() & {"avx512_bf16", "amx_bf16"})


def has_onnxruntime() -> bool:
    return importlib.util.find_spec("onnxruntime") is not None


def quantize_command(export_dir: str) -> str:
    return f"python tools/quantize.py --model_dir {export_dir} --calib_data <pose .pkl>"


@dataclass
class Options:
    """What selects and configures a predictor (infer.py's flags; test.py/predict.py pass their own)."""
    backend: str = "auto"
    precision: str = "fp32"
    use_gpu: bool = False
    use_tensorrt: bool = False
    enable_mkldnn: bool = True
    cpu_threads: int = 1
    ir_optim: bool = True
    gpu_mem: int = 8000
    batch_size: int = 1
    verbose: bool = False
    onnx_file: Optional[str] = None


def choose_backend(opts: Options, export_dir: str) -> str:
    """'paddle' or 'onnxruntime' for `opts` (auto resolved as the module docstring says)."""
    if opts.backend != "auto":
        return opts.backend
    if opts.use_gpu:
        return "paddle"
    if opts.precision == "int8":
        return "onnxruntime"
    onnx_file = opts.onnx_file or os.path.join(export_dir, "model.onnx")
    if AUTO_FP32 == "onnxruntime" and has_onnxruntime() and os.path.isfile(onnx_file):
        return "onnxruntime"
    return "paddle"


def check_precision(opts: Options, backend: str, flag: str = "--precision") -> None:
    """One UserError line for a precision this machine or backend cannot really run."""
    p = opts.precision
    if p not in PRECISIONS:
        raise UserError(f"{flag} {p} is not one of {', '.join(PRECISIONS)}, the command line, pass {flag} fp32")
    if opts.use_gpu:
        if p in ("fp16", "int8") and not (backend == "paddle" and opts.use_tensorrt):
            raise UserError(f"{flag} {p} on GPU runs on TensorRT only, the command line, pass --use_tensorrt True "
                            f"(and --backend paddle) or {flag} fp32")
        if p == "bf16":
            raise UserError(f"{flag} bf16 is a CPU (oneDNN) path, the command line, on GPU pass {flag} fp16 with "
                            "--use_tensorrt True, or fp32")
        return
    if p == "fp16":
        raise UserError(f"{flag} fp16 on CPU: this CPU has no float16 arithmetic (Paddle Inference would switch to "
                        "oneDNN bfloat16 or compute in float32 under an fp16 label), the command line, pass "
                        f"{flag} fp32, {flag} int8 (ONNX Runtime) or, on a CPU with avx512_bf16/amx_bf16, {flag} bf16")
    if p == "bf16":
        if not cpu_has_bf16():
            raise UserError(f"{flag} bf16: this CPU reports no bfloat16 support (no avx512_bf16 or amx_bf16 in "
                            f"/proc/cpuinfo), the command line, pass {flag} fp32 or {flag} int8")
        if backend != "paddle" or not opts.enable_mkldnn:
            raise UserError(f"{flag} bf16 runs on Paddle Inference with oneDNN only, the command line, pass "
                            "--backend paddle --enable_mkldnn True")
    if p == "int8" and backend == "paddle":
        raise UserError(f"{flag} int8 with --backend paddle on CPU: Paddle Inference's oneDNN int8 needs a model with "
                        "quantisation scales and computes this export in float32, the command line, pass --backend "
                        f"onnxruntime (or auto) {flag} int8 after tools/quantize.py")


def describe(opts: Options, backend: str) -> str:
    """The path that runs, for the first output line."""
    if backend == "onnxruntime":
        return f"ONNX Runtime ({'int8' if opts.precision == 'int8' else 'fp32'}, {opts.cpu_threads} threads)"
    if opts.use_gpu:
        return f"Paddle Inference (GPU{', TensorRT ' + opts.precision if opts.use_tensorrt else ''})"
    mkl = "oneDNN on" if opts.enable_mkldnn else "oneDNN off"
    return f"Paddle Inference ({mkl}, {opts.precision}, {opts.cpu_threads} threads)"


def create_paddle_predictor(opts: Options, model_file: str, params_file: str) -> tuple:
    """(run(x) -> probabilities, inference.Config)."""
    from paddle import inference
    config = inference.Config(model_file, params_file)
    if opts.use_gpu:
        config.enable_use_gpu(opts.gpu_mem, 0)
        if opts.use_tensorrt:
            mode = {"fp32": inference.PrecisionType.Float32, "fp16": inference.PrecisionType.Half,
                    "int8": inference.PrecisionType.Int8}[opts.precision]
            config.enable_tensorrt_engine(precision_mode=mode, max_batch_size=opts.batch_size)
    else:
        config.disable_gpu()
        config.set_cpu_math_library_num_threads(opts.cpu_threads)
        if opts.enable_mkldnn:
            config.enable_mkldnn()
            config.set_mkldnn_cache_capacity(10)
            if opts.precision == "bf16":
                config.enable_mkldnn_bfloat16()
        else:
            config.disable_mkldnn()  # on by default in Paddle 3
    config.switch_ir_optim(opts.ir_optim)
    if model_file.endswith(".pdmodel"):
        config.enable_memory_optim()  # breaks create_predictor on PIR (.json) models
    if not opts.verbose:
        config.disable_glog_info()
    predictor = inference.create_predictor(config)
    inp = predictor.get_input_handle(predictor.get_input_names()[0])
    out = predictor.get_output_handle(predictor.get_output_names()[0])

    def run(x: np.ndarray) -> np.ndarray:
        inp.reshape(x.shape)
        inp.copy_from_cpu(x)
        predictor.run()
        return out.copy_to_cpu()
    return run, config


def exported_input_shape(model_file: str) -> Optional[list]:
    """The first input's shape as exported ([-1, 3, S, S]; -1 where dynamic) from a Paddle 3 model.json (the
    `data` op's `shape` attribute; Paddle Inference's input handle reports no shape before a run), else None
    (a Paddle 2 .pdmodel, or a layout this does not know)."""
    import re
    if not model_file.endswith(".json"):
        return None
    with open(model_file, encoding="utf-8") as f:
        text = f.read()
    m = re.search(r'"#":\s*"1\.data".{0,200}?"1\.a_intarray",\s*"D":\s*\[([-\d,\s]+)\]', text, re.S)
    return [int(v) for v in m.group(1).split(",")] if m else None


def create_ort_predictor(onnx_file: str, threads: int, verbose: bool = False) -> tuple:
    """(run(x) -> probabilities, a dict auto_log reads as the inference config)."""
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    if not verbose:
        opts.log_severity_level = 3
    sess = ort.InferenceSession(onnx_file, opts, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    return (lambda x: sess.run(None, {name: x})[0]), {"runtime_device": "cpu", "backend": "onnxruntime",
                                                      "cpu_math_library_num_threads": threads}


def find_model_files(model_dir: str, flag: str = "--model_dir") -> tuple:
    """(model.json or model.pdmodel, model.pdiparams) of an export directory."""
    if not os.path.isdir(model_dir):
        raise UserError(f"export directory not found, {flag} {model_dir}, run export_model.py --save_dir {model_dir}")
    for name in ("model.json", "model.pdmodel"):
        if os.path.isfile(os.path.join(model_dir, name)):
            params = os.path.join(model_dir, "model.pdiparams")
            if not os.path.isfile(params):
                raise UserError(f"params file not found, {params}, run export_model.py again")
            return os.path.join(model_dir, name), params
    raise UserError(f"no model.json/model.pdmodel in {model_dir}, {flag}, run export_model.py first")


@dataclass
class Predictor:
    run: Callable[[np.ndarray], np.ndarray]
    backend: str
    description: str
    config: object
    model: str


def create_predictor(opts: Options, model_file: Optional[str], params_file: Optional[str],
                     export_dir: str) -> Predictor:
    """The predictor `opts` asks for, after the backend/precision checks (one UserError line each)."""
    backend = choose_backend(opts, export_dir)
    if backend == "onnxruntime" and not has_onnxruntime():
        raise UserError("--backend onnxruntime but onnxruntime is not installed, the command line, pip install "
                        "onnxruntime or pass --backend paddle")
    check_precision(opts, backend)
    if backend == "onnxruntime":
        if opts.precision == "int8":
            onnx_file = os.path.join(export_dir, INT8_ONNX)
            if not os.path.isfile(onnx_file):
                raise UserError(f"no int8 model, {onnx_file} is missing, quantise the export first: "
                                f"{quantize_command(export_dir)}")
        else:
            onnx_file = opts.onnx_file or os.path.join(export_dir, "model.onnx")
            if not os.path.isfile(onnx_file):
                raise UserError(f"onnx model not found, {onnx_file}, export with --onnx True (or pass --onnx_file)")
        run, config = create_ort_predictor(onnx_file, opts.cpu_threads, opts.verbose)
        return Predictor(run, backend, describe(opts, backend), config, onnx_file)
    if model_file is None:
        model_file, params_file = find_model_files(export_dir)
    run, config = create_paddle_predictor(opts, model_file, params_file)
    return Predictor(run, backend, describe(opts, backend), config, model_file)
