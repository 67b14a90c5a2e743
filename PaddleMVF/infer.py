"""Paddle Inference (or ONNX Runtime) on exported MVF models.

    python infer.py --config configs/mvf_r50_16x4_ucf101.yaml --model_dir output/inference \
        --input_file data/ucf101/rawframes/ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01

--input_file: a rawframes folder, a video file, a preprocessed .npy ((views*T, 3, H, W) or a batch of
them) or a .txt with one such path per line. Folders/videos go through the config's test pipeline.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

from datasets.transforms import build_pipeline  # noqa: E402
from datasets.video import load_input  # noqa: E402
from utils import DEFAULT_CONFIG, UserError, load_config, run_main, str2bool  # noqa: E402


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=DEFAULT_CONFIG,
                   help="test pipeline for folders/videos (default: configs/mvf_r50_16x4_ucf101.yaml of this folder)")
    p.add_argument("--model_file", default=None, help="model.json (Paddle 3) or model.pdmodel")
    p.add_argument("--params_file", default=None)
    p.add_argument("--model_dir", default=None, help="folder with model.json|model.pdmodel + model.pdiparams")
    p.add_argument("-i", "--input_file", required=True)
    p.add_argument("-b", "--batch_size", type=int, default=1)
    p.add_argument("--use_gpu", type=str2bool, default=False)
    p.add_argument("--enable_mkldnn", type=str2bool, default=False)
    p.add_argument("--cpu_threads", type=int, default=None)
    p.add_argument("--use_tensorrt", type=str2bool, default=False)
    p.add_argument("--precision", choices=("fp32", "fp16", "int8"), default="fp32")
    p.add_argument("--ir_optim", type=str2bool, default=True)
    p.add_argument("--gpu_mem", type=int, default=8000)
    p.add_argument("--enable_benchmark", type=str2bool, default=False)
    p.add_argument("--backend", choices=("paddle", "onnxruntime"), default="paddle")
    return p.parse_args(argv)


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


def create_paddle_predictor(args: argparse.Namespace, model_file: str, params_file: str):
    from paddle import inference
    config = inference.Config(model_file, params_file)
    if args.use_gpu:
        config.enable_use_gpu(args.gpu_mem, 0)
        if args.use_tensorrt:
            mode = {"fp32": inference.PrecisionType.Float32, "fp16": inference.PrecisionType.Half,
                    "int8": inference.PrecisionType.Int8}[args.precision]
            config.enable_tensorrt_engine(precision_mode=mode, max_batch_size=args.batch_size)
    else:
        config.disable_gpu()
        if args.cpu_threads:
            config.set_cpu_math_library_num_threads(args.cpu_threads)
        if args.enable_mkldnn:
            config.set_mkldnn_cache_capacity(10)
            config.enable_mkldnn()
            if args.precision == "fp16":
                config.enable_mkldnn_bfloat16()
        else:
            config.disable_mkldnn()  # on by default in Paddle 3
    config.switch_ir_optim(args.ir_optim)
    if model_file.endswith(".pdmodel"):
        config.enable_memory_optim()  # breaks create_predictor for PIR .json models (Paddle 3.3)
    config.switch_use_feed_fetch_ops(False)
    predictor = inference.create_predictor(config)
    inp = predictor.get_input_handle(predictor.get_input_names()[0])
    out = predictor.get_output_handle(predictor.get_output_names()[0])

    def run(batch: np.ndarray) -> np.ndarray:
        inp.reshape(batch.shape)
        inp.copy_from_cpu(batch)
        predictor.run()
        return out.copy_to_cpu()
    return run, config


def create_onnx_predictor(args: argparse.Namespace, model_file: str):
    import onnxruntime as ort
    onnx_file = os.path.splitext(model_file)[0] + ".onnx"
    if not os.path.isfile(onnx_file):
        raise UserError(f"{onnx_file} not found, export with export_model.py --onnx True")
    opts = ort.SessionOptions()
    if args.cpu_threads:
        opts.intra_op_num_threads = args.cpu_threads
    sess = ort.InferenceSession(onnx_file, opts, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    return (lambda batch: sess.run(None, {name: batch})[0]), None


def read_inputs(path: str, cfg: dict) -> list:
    """[(name, array (views*T, 3, H, W))] from a folder, a video, a .npy or a .txt list of them."""
    if path.endswith(".txt") and os.path.isfile(path):
        with open(path) as f:
            base = os.path.dirname(path)
            return [x for line in f if line.strip()
                    for x in read_inputs(line.strip() if os.path.exists(line.strip()) else
                                         os.path.join(base, line.strip()), cfg)]
    if path.endswith(".npy"):
        if not os.path.isfile(path):
            raise UserError(f"input {path} not found")
        arr = np.load(path).astype("float32")
        arrs = arr if arr.ndim == 5 else arr[None]
        return [(f"{path}[{i}]", a) for i, a in enumerate(arrs)]
    return [(path, load_input(path, build_pipeline(cfg["data"], "test"))["imgs"])]


def main(argv=None) -> None:
    args = parse_args(argv)
    model_file, params_file = resolve_model(args)
    cfg = load_config(args.config)
    samples = read_inputs(args.input_file, cfg)
    if args.backend == "paddle":
        run, config = create_paddle_predictor(args, model_file, params_file)
    else:
        run, config = create_onnx_predictor(args, model_file)
    print("Inference model(MVF)...")
    if args.enable_benchmark:
        try:
            import auto_log
        except ImportError:
            from utils import auto_log
        warmup = 2
        # time enough batches to pass the warm-up (auto_log needs more iterations than warmup)
        samples = samples * max(1, -(-(warmup + 3) * args.batch_size // len(samples)))
        logger = auto_log.AutoLogger(model_name="MVF", model_precision=args.precision, batch_size=args.batch_size,
                                     data_shape="dynamic", save_path="./output/auto_log.lpg",
                                     inference_config=config, pids=os.getpid(), process_name=None,
                                     gpu_ids=0 if args.use_gpu else None,
                                     time_keys=["preprocess_time", "inference_time", "postprocess_time"],
                                     warmup=warmup)
    for i in range(0, len(samples), args.batch_size):
        chunk = samples[i:i + args.batch_size]
        if args.enable_benchmark:
            logger.times.start()
        batch = np.stack([a for _, a in chunk]).astype("float32")
        if args.enable_benchmark:
            logger.times.stamp()
        probs = run(batch)
        if args.enable_benchmark:
            logger.times.stamp()
        top1 = probs.argmax(axis=1)
        if args.enable_benchmark:
            logger.times.end(stamp=True)
        else:
            for (name, _), c, p in zip(chunk, top1, probs):
                print(f"Current video file: {name}")
                print(f"\ttop-1 class: {int(c)}")
                print(f"\ttop-1 score: {float(p[c])}")
    if args.enable_benchmark:
        logger.report()


if __name__ == "__main__":
    run_main(main)
