"""Paddle Inference (or ONNX Runtime) on an exported MVF model.

    python infer.py --model_dir output/inference \
        --input_file data/ucf101/rawframes/ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01

--input_file: a rawframes folder, a video file, a preprocessed .npy ((views*T, 3, S, S) or a batch of them) or a
.txt with one such path per line. Folders and videos go through the test pipeline of the export directory's
config.yaml (written by export_model.py) or of --config; the class names come from the same config. Every
prediction is printed (also with --enable_benchmark, whose report comes last) and, with --save_results, written
to a json. Paddle's own logs (pass names, glog) are silenced unless --verbose True.
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay

import argparse
import os

import numpy as np

from datasets.video import read_inputs
from utils import UserError, check_flag, quiet_stdout, run_main, str2bool
from utils.config import class_names, config_beside, load_config
from utils.predictions import prediction, print_prediction, save_results

WARMUP = 2  # batches run before timing starts (--enable_benchmark)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model_dir", default=None, help="export directory (model.json|model.pdmodel + model.pdiparams)")
    p.add_argument("--model_file", default=None, help="model.json (Paddle 3) or model.pdmodel (Paddle 2)")
    p.add_argument("--params_file", default=None, help="model.pdiparams")
    p.add_argument("--onnx_file", default=None, help="ONNX model of --backend onnxruntime (default: <model dir>/"
                                                    "model.onnx)")
    p.add_argument("-i", "--input_file", required=True)
    p.add_argument("--config", default=None, help="test pipeline and class names (default: the export "
                                                  "directory's config.yaml)")
    p.add_argument("-b", "--batch_size", type=int, default=1)
    p.add_argument("--use_gpu", type=str2bool, default=False)
    p.add_argument("--enable_mkldnn", type=str2bool, default=True, help="oneDNN on CPU (Paddle Inference)")
    p.add_argument("--cpu_threads", type=int, default=1)
    p.add_argument("--use_tensorrt", type=str2bool, default=False)
    p.add_argument("--precision", choices=("fp32", "fp16", "bf16", "int8"), default="fp32",
                   help="CPU: fp32; int8 runs ONNX Runtime on model_int8.onnx (tools/quantize.py); bf16 only where the "
                        "CPU has it; GPU: fp16/int8 through TensorRT")
    p.add_argument("--ir_optim", type=str2bool, default=True)
    p.add_argument("--gpu_mem", type=int, default=8000, help="initial GPU memory pool, MB")
    p.add_argument("--enable_benchmark", type=str2bool, default=False, help="time the run, report in auto_log form")
    p.add_argument("--backend", choices=("auto", "paddle", "onnxruntime"), default="auto",
                   help="auto: ONNX Runtime when onnxruntime is installed and the export has model.onnx (faster for "
                        "MVF on CPU, README Benchmark), else Paddle Inference with oneDNN")
    p.add_argument("--save_results", default=None, help="write the predictions to this json")
    p.add_argument("--verbose", type=str2bool, default=False, help="show Paddle's own logs (passes, glog)")
    return p.parse_args(argv)


def model_dir_of(args: argparse.Namespace) -> str:
    return args.model_dir or os.path.dirname(os.path.abspath(args.model_file or args.onnx_file or "."))


def resolve_model(args: argparse.Namespace) -> tuple:
    """(model_file, params_file): a .json and a .pdmodel are both accepted, whichever exists."""
    model_file, params_file = args.model_file, args.params_file
    if args.model_dir:
        model_file = model_file or next((os.path.join(args.model_dir, f"model{ext}") for ext in (".json", ".pdmodel")
                                         if os.path.isfile(os.path.join(args.model_dir, f"model{ext}"))), None)
        params_file = params_file or os.path.join(args.model_dir, "model.pdiparams")
    if model_file and not os.path.isfile(model_file):
        stem = os.path.splitext(model_file)[0]
        model_file = next((stem + ext for ext in (".json", ".pdmodel") if os.path.isfile(stem + ext)), model_file)
    for f, flag in ((model_file, "--model_file/--model_dir"), (params_file, "--params_file/--model_dir")):
        if not f or not os.path.isfile(f):
            raise UserError(f"inference model file {f} not found, run export_model.py and pass {flag}")
    return model_file, params_file


class PaddlePredictor:
    def __init__(self, args: argparse.Namespace) -> None:
        model_file, params_file = resolve_model(args)
        if not args.verbose:
            os.environ.setdefault("GLOG_minloglevel", "3")  # before paddle starts: no glog lines
        from paddle import inference
        config = inference.Config(model_file, params_file)
        if args.use_gpu:
            import paddle
            if not paddle.is_compiled_with_cuda():
                raise UserError("--use_gpu True needs paddlepaddle-gpu, install it or pass --use_gpu False")
            config.enable_use_gpu(args.gpu_mem, 0)
            if args.use_tensorrt:
                mode = {"fp32": inference.PrecisionType.Float32, "fp16": inference.PrecisionType.Half,
                        "int8": inference.PrecisionType.Int8}[args.precision]
                config.enable_tensorrt_engine(precision_mode=mode, max_batch_size=args.batch_size)
        else:
            config.disable_gpu()
            config.set_cpu_math_library_num_threads(args.cpu_threads)
            if args.enable_mkldnn:
                config.set_mkldnn_cache_capacity(10)
                config.enable_mkldnn()
                if args.precision == "bf16":
                    config.enable_mkldnn_bfloat16()
            else:
                config.disable_mkldnn()  # on by default in Paddle 3
        config.switch_ir_optim(args.ir_optim)
        if model_file.endswith(".pdmodel"):
            config.enable_memory_optim()  # breaks create_predictor for PIR .json models (Paddle 3.3)
        if not args.verbose:
            config.disable_glog_info()  # no pass names
        config.switch_use_feed_fetch_ops(False)
        self.config, self.verbose = config, args.verbose
        self.predictor = inference.create_predictor(config)
        self.input = self.predictor.get_input_handle(self.predictor.get_input_names()[0])
        self.output = self.predictor.get_output_handle(self.predictor.get_output_names()[0])

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        self.input.reshape(batch.shape)
        self.input.copy_from_cpu(batch)
        with quiet_stdout(not self.verbose):
            self.predictor.run()
        return self.output.copy_to_cpu()


def onnx_file(args: argparse.Namespace) -> str:
    """The ONNX model of --backend onnxruntime: --onnx_file, else <model dir>/model.onnx (model_int8.onnx with
    --precision int8)."""
    name = "model_int8.onnx" if args.precision == "int8" else "model.onnx"
    path = args.onnx_file or os.path.join(model_dir_of(args), name)
    if not os.path.isfile(path):
        if args.precision == "int8":
            raise UserError(f"int8 model {path} not found, run python tools/quantize.py --model_dir "
                            f"{model_dir_of(args)} --calib_data <videos .txt or .npy> first")
        raise UserError(f"ONNX model {path} not found, run export_model.py --onnx True (or pass --onnx_file)")
    return path


def cpu_has_bf16() -> bool:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = f.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def choose_backend(args: argparse.Namespace) -> str:
    """The backend that runs (auto resolved) after the precision checks; refusals are one UserError line."""
    backend = args.backend
    if backend == "auto":
        try:
            import onnxruntime  # noqa: F401
            have_ort = True
        except ImportError:
            have_ort = False
        onnx = args.onnx_file or os.path.join(model_dir_of(args),
                                              "model_int8.onnx" if args.precision == "int8" else "model.onnx")
        backend = "onnxruntime" if (have_ort and os.path.isfile(onnx) and not args.use_gpu) or \
            args.precision == "int8" else "paddle"
    if args.use_gpu:
        return backend
    if args.precision == "int8" and backend == "paddle":
        raise UserError("--backend paddle --precision int8: Paddle Inference 3.3 has no real int8 kernels for this "
                        "export on CPU, quantize with tools/quantize.py and pass --backend onnxruntime --precision int8")
    if args.precision == "fp16":
        raise UserError("--precision fp16 on CPU: no fp16 compute on CPU (it would run slower than fp32), use fp32, "
                        "int8 (tools/quantize.py) or --use_gpu True")
    if args.precision == "bf16" and (backend != "paddle" or not cpu_has_bf16()):
        raise UserError("--precision bf16 needs Paddle Inference on a CPU with avx512_bf16 or amx_bf16 (this one "
                        f"{'has' if cpu_has_bf16() else 'has neither'}), use fp32 or int8")
    return backend


class OnnxPredictor:
    def __init__(self, args: argparse.Namespace) -> None:
        import onnxruntime as ort
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = args.cpu_threads
        if not args.verbose:
            opts.log_severity_level = 3
        self.session = ort.InferenceSession(onnx_file(args), opts, providers=["CPUExecutionProvider"])
        self.name = self.session.get_inputs()[0].name
        self.config = {"runtime_device": "cpu", "backend": "onnxruntime", "ir_optim": True, "enable_mkldnn": False,
                       "cpu_math_library_num_threads": args.cpu_threads}

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.name: batch})[0]


def load_infer_config(args: argparse.Namespace) -> dict:
    """--config, else the export directory's config.yaml; one error line when there is neither."""
    path = args.config or config_beside(model_dir_of(args))
    if not path:
        raise UserError(f"no config, {model_dir_of(args)} has no config.yaml (export_model.py writes one), export "
                        "the model again or pass --config configs/<name>.yaml")
    return load_config(path)


def predict_all(args: argparse.Namespace, samples: list, predictor, autolog) -> np.ndarray:
    """Probabilities (N, classes) of every sample, in batches; with a benchmark, timed, and repeated until more
    than WARMUP batches are measured."""
    out, runs = [], 0
    while True:
        for start in range(0, len(samples), args.batch_size):
            if autolog:
                autolog.times.start()
            batch = np.stack([a for _, a in samples[start:start + args.batch_size]]).astype("float32")
            if autolog:
                autolog.times.stamp()
            probs = predictor(batch)
            if autolog:
                autolog.times.stamp()
                autolog.times.end(stamp=True)
            if runs == 0:
                out.append(probs)
        runs += 1
        if not autolog or len(autolog.times.total_time) > WARMUP + 3:
            return np.concatenate(out)


def main(argv=None) -> list:
    args = parse_args(argv)
    check_flag(args.batch_size, "--batch_size")
    check_flag(args.cpu_threads, "--cpu_threads")
    args.backend = choose_backend(args)
    if args.backend == "paddle":
        resolve_model(args)  # a missing model is named before its config
    else:
        onnx_file(args)
    cfg = load_infer_config(args)
    names = class_names(cfg)
    samples = read_inputs(args.input_file, cfg)
    predictor = OnnxPredictor(args) if args.backend == "onnxruntime" else PaddlePredictor(args)
    print(f"Inference model(MVF) with {'ONNX Runtime' if args.backend == 'onnxruntime' else 'Paddle Inference'}"
          f" ({args.precision}{', oneDNN' if args.backend == 'paddle' and args.enable_mkldnn and not args.use_gpu else ''})...")
    autolog = None
    if args.enable_benchmark:
        try:
            import auto_log
        except ImportError:
            from utils import auto_log
        autolog = auto_log.AutoLogger(model_name="MVF", model_precision=args.precision, batch_size=args.batch_size,
                                      data_shape="dynamic", save_path=None, inference_config=predictor.config,
                                      pids=os.getpid(), process_name=None, gpu_ids=0 if args.use_gpu else None,
                                      time_keys=["preprocess_time", "inference_time", "postprocess_time"],
                                      warmup=WARMUP)
    probs = predict_all(args, samples, predictor, autolog)
    results = [prediction(name, p, names, model_dir_of(args)) for (name, _), p in zip(samples, probs)]
    for entry in results:
        print_prediction(entry)
    if args.save_results:
        save_results(args.save_results, results, model="MVF", backend=args.backend, precision=args.precision,
                     input_file=args.input_file)
    if autolog:
        autolog.report()
    return results


if __name__ == "__main__":
    run_main(main)
