"""ONNX Runtime or Paddle Inference on an FSD-10 .npy file with an exported model.

    python infer.py --model_dir ./inference --input_file data/fsd10/test_A_data.npy
--backend auto (the default) runs ONNX Runtime when onnxruntime is importable and <model dir>/model.onnx exists
(tools/benchmark.py: it is the fastest CPU path for ST-GCN, bench/results.md), else Paddle Inference with oneDNN;
--backend paddle|onnxruntime and --enable_mkldnn override. --precision int8 runs <model dir>/model_int8.onnx
(tools/quantize.py) on ONNX Runtime; on CPU fp16 is refused (no fp16 kernels) and bf16 runs only where the CPU
reports bf16 support; on GPU fp16/int8 go through TensorRT (--use_tensorrt True).
The input is a data file [N, C, T, 25, M] or one sample [C, T, 25, M]. The pipeline, class names, C and M
come from the export directory's config.yaml (written by export_model.py), or from --config; a config or data
whose C, M or class count differ from the exported model are refused. Every prediction is printed (also with
--enable_benchmark, whose report comes last) and, with --save_results, written to a json. Paddle's own logs
(pass names, glog) are silenced unless --verbose True.
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # Paddle's import-time note (issue 17)

import os

import numpy as np

from datasets.reader import load_samples, requirements
from datasets.transforms import build_transforms
from utils.atomic_io import write_file_atomic
from utils.common import (
    ArgumentParser,
    UserError,
    exported_model_files,
    positive_int,
    quiet_stdout,
    run_main,
    str2bool,
)
from utils.config import class_names, config_beside, load_config

WARMUP = 2  # batches run before timing starts (--enable_benchmark)
BACKEND_NAMES = {"paddle": "Paddle Inference", "onnxruntime": "ONNX Runtime"}


def parse_args(argv=None):
    p = ArgumentParser(prog="infer.py", description="ST-GCN inference with Paddle Inference or ONNX Runtime")
    p.add_argument("--model_dir", default=None, help="export directory (instead of --model_file/--params_file)")
    p.add_argument("--model_file", default=None, help="model.json (Paddle 3) or model.pdmodel (Paddle 2)")
    p.add_argument("--params_file", default=None, help="model.pdiparams")
    p.add_argument("--onnx_file", default=None, help="ONNX model of --backend onnxruntime "
                                                    "(default: <model dir>/model.onnx)")
    p.add_argument("--input_file", required=True, help="one sample [C,T,25,M] or a data file [N,C,T,25,M] (.npy)")
    p.add_argument("--config", default=None, help="pipeline, class names, channels and persons (default: the "
                                                  "export directory's config.yaml)")
    p.add_argument("-b", "--batch_size", type=positive_int, default=1)
    p.add_argument("--use_gpu", type=str2bool, default=False)
    p.add_argument("--enable_mkldnn", type=str2bool, default=True)
    p.add_argument("--cpu_threads", type=positive_int, default=1)
    p.add_argument("--use_tensorrt", type=str2bool, default=False)
    p.add_argument("--precision", choices=["fp32", "fp16", "bf16", "int8"], default="fp32",
                   help="int8: ONNX Runtime on model_int8.onnx (tools/quantize.py); CPU fp16 refused, bf16 only with "
                        "avx512_bf16/amx_bf16")
    p.add_argument("--ir_optim", type=str2bool, default=True)
    p.add_argument("--gpu_mem", type=positive_int, default=8000, help="initial GPU memory pool, MB")
    p.add_argument("--enable_benchmark", type=str2bool, default=False, help="time the run, report in auto_log form")
    p.add_argument("--backend", choices=["auto", "paddle", "onnxruntime"], default="auto",
                   help="auto: ONNX Runtime when installed and model.onnx exists (faster here), else Paddle "
                        "Inference with oneDNN")
    p.add_argument("--save_results", default=None, help="write the predictions to this json")
    p.add_argument("--verbose", type=str2bool, default=False, help="show Paddle's own logs (passes, glog)")
    return p.parse_args(argv)


def model_dir_of(args) -> str:
    return args.model_dir or os.path.dirname(os.path.abspath(args.model_file or args.onnx_file or "."))


def resolve_model(args) -> tuple:
    """(model file, params file); a .pdmodel/.json name that does not exist falls back to the other."""
    if args.model_dir:
        return exported_model_files(args.model_dir)
    model_file, params_file = args.model_file, args.params_file
    if not model_file or not params_file:
        raise UserError("no model given, pass --model_dir <export dir> or --model_file and --params_file")
    if not os.path.isfile(model_file):
        stem, ext = os.path.splitext(model_file)
        other = stem + (".pdmodel" if ext == ".json" else ".json")
        if os.path.isfile(other):
            model_file = other
    for path in (model_file, params_file):
        if not os.path.isfile(path):
            raise UserError(f"model file not found, {path}, run export_model.py first")
    return model_file, params_file


class PaddlePredictor:
    def __init__(self, args) -> None:
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
                precision = {"fp32": inference.PrecisionType.Float32, "fp16": inference.PrecisionType.Half,
                             "int8": inference.PrecisionType.Int8}[args.precision]
                config.enable_tensorrt_engine(precision_mode=precision, max_batch_size=args.batch_size)
        else:
            config.disable_gpu()
            config.set_cpu_math_library_num_threads(args.cpu_threads)
            if args.enable_mkldnn:
                config.enable_mkldnn()
                config.set_mkldnn_cache_capacity(10)
                if args.precision == "bf16":  # choose_backend checked the CPU flags
                    config.enable_mkldnn_bfloat16()
            else:
                config.disable_mkldnn()  # on by default in Paddle 3
        config.switch_ir_optim(args.ir_optim)
        if model_file.endswith(".pdmodel"):  # breaks create_predictor on PIR (.json) models
            config.enable_memory_optim()
        if not args.verbose:
            config.disable_glog_info()  # no pass names
        self.config, self.verbose = config, args.verbose
        self.predictor = inference.create_predictor(config)
        self.input = self.predictor.get_input_handle(self.predictor.get_input_names()[0])
        self.output = self.predictor.get_output_handle(self.predictor.get_output_names()[0])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.input.reshape(x.shape)
        self.input.copy_from_cpu(x)
        with quiet_stdout(not self.verbose):
            self.predictor.run()
        return self.output.copy_to_cpu()


def onnx_file(args) -> str:
    if args.precision == "int8":
        path = args.onnx_file or os.path.join(model_dir_of(args), "model_int8.onnx")
        if not os.path.isfile(path):
            raise UserError(f"int8 model not found, {path}, run `python tools/quantize.py --model_dir "
                            f"{model_dir_of(args)} --calib_data <train or test .npy>` first")
        return path
    path = args.onnx_file or os.path.join(model_dir_of(args), "model.onnx")
    if not os.path.isfile(path):
        raise UserError(f"ONNX model not found, {path}, run export_model.py --onnx True (or pass --onnx_file)")
    return path


def cpu_has_bf16() -> bool:
    """The CPU flags report bf16 arithmetic (AVX512-BF16 or AMX-BF16)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = f.read()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def onnxruntime_available() -> bool:
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


def choose_backend(args) -> str:
    """The backend that runs, after the precision checks (one error line each, exit 2)."""
    if not args.use_gpu:
        if args.precision == "fp16":
            raise UserError("--precision fp16 on CPU, this CPU has no fp16 arithmetic (Paddle would silently run "
                            "bf16 or fp32), use --precision fp32, int8 (ONNX Runtime) or --use_gpu True")
        if args.precision == "bf16" and not cpu_has_bf16():
            raise UserError("--precision bf16 on CPU, /proc/cpuinfo reports neither avx512_bf16 nor amx_bf16, use "
                            "--precision fp32 or int8 (ONNX Runtime)")
        if args.precision == "int8" and args.backend == "paddle":
            raise UserError("--backend paddle --precision int8 on CPU, Paddle Inference has no int8 path for a "
                            "Paddle 3 (.json) export without PaddleSlim, use --backend onnxruntime (or auto) after "
                            "`python tools/quantize.py --model_dir <export dir> --calib_data <.npy>`")
    if args.backend != "auto":
        if args.backend == "onnxruntime" and args.precision == "bf16":
            raise UserError("--precision bf16 runs on Paddle Inference only, pass --backend paddle or auto")
        return args.backend
    if args.use_gpu or args.precision in ("fp16", "bf16"):
        return "paddle"
    if args.precision == "int8":
        if not onnxruntime_available():
            raise UserError("--precision int8 runs on ONNX Runtime, which is not installed, pip install onnxruntime")
        return "onnxruntime"
    has_onnx = os.path.isfile(args.onnx_file or os.path.join(model_dir_of(args), "model.onnx"))
    return "onnxruntime" if has_onnx and onnxruntime_available() else "paddle"


class OnnxPredictor:
    def __init__(self, args) -> None:
        import onnxruntime
        path = onnx_file(args)
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = args.cpu_threads
        if not args.verbose:
            options.log_severity_level = 3
        self.session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        self.name = self.session.get_inputs()[0].name
        self.input_shape = self.session.get_inputs()[0].shape  # [N?, C, T?, V, M]: C, V, M are ints
        self.num_classes = self.session.get_outputs()[0].shape[-1]
        self.config = {"runtime_device": "cpu", "backend": "onnxruntime", "ir_optim": True, "enable_mkldnn": False,
                       "cpu_math_library_num_threads": args.cpu_threads}

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.name: x})[0]


def load_infer_config(args) -> dict:
    """--config, else the export directory's config.yaml; one error line when there is neither."""
    path = args.config or config_beside(model_dir_of(args))
    if not path:
        raise UserError(f"no config: {model_dir_of(args)} has no config.yaml (export_model.py writes one), "
                        "export the model again or pass --config configs/<name>.yaml")
    return load_config(path)


def exported_dims(args, predictor) -> tuple:
    """(C, M, classes) the exported model was made for: ONNX Runtime reads them from the graph; Paddle Inference
    does not tell them before a run, so they come from the export directory's config.yaml (None when absent)."""
    shape = getattr(predictor, "input_shape", None) or []
    if len(shape) == 5 and isinstance(shape[1], int) and isinstance(shape[4], int):
        return shape[1], shape[4], predictor.num_classes if isinstance(predictor.num_classes, int) else None
    beside = config_beside(model_dir_of(args))
    if beside is None:
        return None, None, None
    export_cfg = load_config(beside)
    return export_cfg["model"]["in_channels"], export_cfg["data"]["num_person"], export_cfg["model"]["num_classes"]


def check_model(cfg: dict, dims: tuple, source: str) -> None:
    """The exported model must take the config's C and M and give its class count."""
    channels, persons, classes = dims
    mine = [cfg["model"]["in_channels"], cfg["data"]["num_person"]]
    if channels is not None and [channels, persons] != mine:
        raise UserError(f"the config has C={mine[0]}, M={mine[1]} but the exported model takes C={channels}, "
                        f"M={persons} ({source}), pass the config it was exported with or drop --config")
    if classes is not None and classes != cfg["model"]["num_classes"]:
        raise UserError(f"the exported model has {classes} classes but the config's model.num_classes is "
                        f"{cfg['model']['num_classes']} ({source}), pass the config it was exported with or drop "
                        "--config")


def check_output(cfg: dict, probs: np.ndarray, batch: int, source: str) -> None:
    """After a run (when the export directory has no config.yaml to compare with): one row per sample, one
    score per class of the config."""
    if probs.ndim != 2 or probs.shape[0] != batch:
        raise UserError(f"the exported model gave {probs.shape[0]} rows for {batch} samples ({source}): it was "
                        f"exported for another person count M than the config's {cfg['data']['num_person']}, pass "
                        "the config it was exported with")
    check_model(cfg, (None, None, probs.shape[1]), source)


def predict_all(args, cfg: dict, data: np.ndarray, transform, predictor, autolog) -> np.ndarray:
    """Probabilities [N, classes] of every sample, in batches; with a benchmark, timed, and repeated until
    more than WARMUP batches are measured."""
    out, runs = [], 0
    while True:
        for start in range(0, len(data), args.batch_size):
            if autolog:
                autolog.times.start()
            x = np.stack([transform(np.asarray(data[i])) for i in range(start, min(start + args.batch_size,
                                                                                    len(data)))])
            if autolog:
                autolog.times.stamp()
            probs = predictor(x)
            if not out and runs == 0:
                check_output(cfg, probs, len(x), model_dir_of(args))
            if autolog:
                autolog.times.stamp()
                autolog.times.end(stamp=True)
            if runs == 0:
                out.append(probs)
        runs += 1
        if not autolog or len(autolog.times.total_time) > WARMUP + 8:
            return np.concatenate(out)


def report(args, names: list, probs: np.ndarray, backend: str) -> list:
    """Print every prediction; return the --save_results entries."""
    results, base = [], os.path.basename(args.input_file)
    for i, p in enumerate(probs):
        if not np.isfinite(p).all():
            raise UserError(f"the model gave non-finite scores for {base}[{i}], {args.input_file}, check the input "
                            "values and the exported model")
        top5 = np.argsort(-p, kind="stable")[:5]
        cls = int(top5[0])
        print(f"Current video file: {base}[{i}]")
        print(f"\ttop-1 class: {cls}")
        print(f"\ttop-1 class name: {names[cls]}")
        print(f"\ttop-1 score: {float(p[cls]):.6f}")
        print("\ttop-5: " + ", ".join(f"{int(k)}:{float(p[k]):.6f}" for k in top5))
        results.append({"name": f"{base}[{i}]", "class_id": cls, "class_name": names[cls], "score": float(p[cls]),
                        "top5_ids": [int(k) for k in top5], "top5_scores": [float(p[k]) for k in top5]})
    return results


def main(argv=None) -> list:
    args = parse_args(argv)
    args.backend = choose_backend(args)
    if args.backend == "paddle":
        resolve_model(args)  # a missing model is named before its config
    else:
        onnx_file(args)
    cfg = load_infer_config(args)
    data = load_samples(args.input_file, **requirements(cfg))
    transform, names = build_transforms(cfg), class_names(cfg)
    predictor = OnnxPredictor(args) if args.backend == "onnxruntime" else PaddlePredictor(args)
    check_model(cfg, exported_dims(args, predictor), model_dir_of(args))
    autolog = None
    if args.enable_benchmark:
        try:
            import auto_log
        except ImportError:
            from utils import auto_log
        autolog = auto_log.AutoLogger(
            model_name="STGCN", model_precision=args.precision, batch_size=args.batch_size,
            data_shape="dynamic", save_path=None, inference_config=predictor.config,
            pids=os.getpid(), process_name=None, gpu_ids="auto" if args.use_gpu else None,
            time_keys=["preprocess_time", "inference_time", "postprocess_time"], warmup=WARMUP)
    print(f"Inference model(STGCN) with {BACKEND_NAMES[args.backend]}, {args.precision}"
          f"{', oneDNN on' if args.backend == 'paddle' and args.enable_mkldnn and not args.use_gpu else ''}...")
    results = report(args, names, predict_all(args, cfg, data, transform, predictor, autolog), args.backend)
    if args.save_results:
        write_file_atomic(args.save_results, {"model": "STGCN", "backend": args.backend, "precision": args.precision,
                                              "input_file": args.input_file, "results": results})
        print(f"predictions written to {args.save_results}")
    if autolog:
        autolog.report()
    return results


if __name__ == "__main__":
    run_main(main)
