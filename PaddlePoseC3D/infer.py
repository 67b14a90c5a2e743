"""Paddle Inference (or ONNX Runtime) on a pose pkl: the test pipeline per video, all views of `batch_size` videos
in one run, per-view probabilities averaged per video; every prediction printed (id, class name, score, top-5),
optionally saved as json. The config is the export directory's config.yaml unless --config overrides it.
python infer.py --model_dir output/inference --input_file v_xxx.pkl [--save_results out.json]
"""
import os
import sys
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay


def _verbose(argv) -> bool:
    """--verbose True on the command line (read before paddle is imported: glog reads its level at import)."""
    for i, arg in enumerate(argv):
        value = arg.split("=", 1)[1] if arg.startswith("--verbose=") else \
            argv[i + 1] if arg == "--verbose" and i + 1 < len(argv) else None
        if value is not None:
            return value.lower() in ("true", "1", "yes", "y")
    return False


if not _verbose(sys.argv[1:]):
    os.environ.setdefault("GLOG_minloglevel", "3")  # Paddle Inference's pass names and I/W lines

import argparse
import math

import numpy as np

from datasets.pose_dataset import load_videos, video_views
from datasets.transforms import build_pipeline
from utils import UserError, check_flag, run_main, str2bool
from utils.config import class_names, config_beside, load_config
from utils.inference import BACKENDS, PRECISIONS, Options, check_precision, choose_backend, create_predictor
from utils.predictions import prediction, print_prediction, save_results


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=None, help="default: config.yaml in the export directory")
    p.add_argument("--model_dir", default=None, help="export directory: model.json (or .pdmodel) + model.pdiparams")
    p.add_argument("--model_file", default=None, help="model.json (Paddle 3) or model.pdmodel (Paddle 2)")
    p.add_argument("--params_file", default=None, help="model.pdiparams")
    p.add_argument("--onnx_file", default=None, help="ONNX Runtime fp32: default <model dir>/model.onnx")
    p.add_argument("--input_file", required=True, help="pkl: one annotation dict, a list, or {'split', 'annotations'}")
    p.add_argument("-b", "--batch_size", type=int, default=1, help="videos per predictor run")
    p.add_argument("--use_gpu", type=str2bool, default=False)
    p.add_argument("--enable_mkldnn", type=str2bool, default=True, help="oneDNN for Paddle Inference on CPU")
    p.add_argument("--cpu_threads", type=int, default=1)
    p.add_argument("--use_tensorrt", type=str2bool, default=False)
    p.add_argument("--precision", choices=PRECISIONS, default="fp32",
                   help="CPU: fp32, int8 (ONNX Runtime, tools/quantize.py), bf16 (oneDNN, avx512_bf16/amx CPUs "
                        "only); GPU: fp16/int8 with TensorRT")
    p.add_argument("--ir_optim", type=str2bool, default=True)
    p.add_argument("--gpu_mem", type=int, default=8000, help="MB")
    p.add_argument("--enable_benchmark", type=str2bool, default=False, help="auto_log report after the predictions")
    p.add_argument("--backend", choices=BACKENDS, default="auto",
                   help="auto: the fastest measured path (Paddle Inference + oneDNN for fp32, ONNX Runtime for "
                        "int8); paddle; onnxruntime")
    p.add_argument("--save_results", default=None, help="json of every prediction (its directory is created)")
    p.add_argument("--verbose", type=str2bool, default=False, help="show Paddle's own logs")
    return p.parse_args(argv)


def resolve_model(args) -> tuple:
    """(model file, params file, export dir): a .json/.pdmodel pair, the given file or its other suffix, or what
    --model_dir holds; with only --onnx_file, just its directory (ONNX Runtime needs nothing else)."""
    if not (args.model_dir or args.model_file):
        if args.onnx_file and args.backend != "paddle":
            return None, None, os.path.dirname(os.path.abspath(args.onnx_file))
        raise UserError("no model given, the command line, pass --model_dir or --model_file and --params_file")
    model_file, params_file = args.model_file, args.params_file
    if args.model_dir:
        model_file = model_file or os.path.join(args.model_dir, "model.json")
        params_file = params_file or os.path.join(args.model_dir, "model.pdiparams")
    if not os.path.isfile(model_file):
        base, ext = os.path.splitext(model_file)
        other = base + (".pdmodel" if ext == ".json" else ".json")
        if not os.path.isfile(other):
            raise UserError(f"model file not found, {model_file}, run export_model.py first")
        model_file = other
    params_file = params_file or os.path.splitext(model_file)[0] + ".pdiparams"
    if not os.path.isfile(params_file):
        raise UserError(f"params file not found, {params_file}, run export_model.py first")
    return model_file, params_file, os.path.dirname(os.path.abspath(model_file))


def check_args(args) -> None:
    check_flag(args.batch_size, "--batch_size")
    check_flag(args.cpu_threads, "--cpu_threads")
    check_flag(args.gpu_mem, "--gpu_mem")
    if args.use_gpu:
        import paddle
        if not paddle.is_compiled_with_cuda():
            raise UserError("--use_gpu True but this paddle has no CUDA, the command line, pass --use_gpu False")


def options(args) -> Options:
    return Options(backend=args.backend, precision=args.precision, use_gpu=args.use_gpu,
                   use_tensorrt=args.use_tensorrt, enable_mkldnn=args.enable_mkldnn, cpu_threads=args.cpu_threads,
                   ir_optim=args.ir_optim, gpu_mem=args.gpu_mem, batch_size=args.batch_size, verbose=args.verbose,
                   onnx_file=args.onnx_file)


def make_autolog(args, config, cfg: dict):
    try:
        import auto_log
    except ImportError:
        from utils import auto_log
    d = cfg["data"]
    views = d["test_clips"] * (2 if d["test_double"] else 1)
    return auto_log.AutoLogger(model_name="PoseC3D", model_precision=args.precision, batch_size=args.batch_size,
                               data_shape=[views, cfg["model"]["in_channels"], d["clip_len"], d["test_size"],
                                           d["test_size"]],
                               save_path=None, inference_config=config, pids=os.getpid(), process_name=None,
                               gpu_ids=None, time_keys=["preprocess_time", "inference_time", "postprocess_time"],
                               warmup=2)


def main(argv=None):
    args = parse_args(argv)
    check_args(args)
    model_file, params_file, export_dir = resolve_model(args)
    config_path = args.config or config_beside(export_dir)
    if not config_path:
        raise UserError(f"no config, {export_dir} has no config.yaml, pass --config configs/<name>.yaml (the config "
                        "the model was exported with) or export again with export_model.py")
    cfg = load_config(config_path)
    names = class_names(cfg)
    exported = config_beside(export_dir)
    if args.config and exported:  # the model's own class count is known before anything runs
        theirs = load_config(exported)["model"]["num_classes"]
        if theirs != len(names):
            raise UserError(f"the model predicts {theirs} classes but the config's class list has {len(names)}, "
                            f"--config {args.config}, pass the config the model was exported with ({exported})")
    opts = options(args)
    check_precision(opts, choose_backend(opts, export_dir))  # before the data is read
    anns = load_videos(args.input_file)
    predictor = create_predictor(opts, model_file, params_file, export_dir)
    print(f"Inference model({predictor.model}) with {predictor.description}...")
    run, config = predictor.run, predictor.config
    pipeline = build_pipeline(cfg["data"], "test")
    batches = [anns[i:i + args.batch_size] for i in range(0, len(anns), args.batch_size)]
    autolog = make_autolog(args, config, cfg) if args.enable_benchmark else None
    passes = math.ceil(5 / len(batches)) if autolog else 1  # enough batches to time after the 2 warm-up ones
    results = []
    for pass_index in range(passes):
        for batch in batches:
            if autolog:
                autolog.times.start()
            views = [video_views(pipeline, a) for a in batch]
            x = np.concatenate(views).astype(np.float32)
            if autolog:
                autolog.times.stamp()
            probs = run(x)
            if autolog:
                autolog.times.stamp()
            video_probs = probs.reshape(len(batch), views[0].shape[0], -1).mean(axis=1)
            entries = [prediction(a["frame_dir"], p, names, args.input_file) for a, p in zip(batch, video_probs)]
            if autolog:
                autolog.times.end(stamp=True)
            if pass_index == 0:
                for entry in entries:
                    print_prediction(entry)
                results += entries
    if args.save_results:
        save_results(args.save_results, results, model=os.path.abspath(predictor.model), backend=predictor.backend,
                     precision=args.precision, input_file=args.input_file)
    if autolog:
        autolog.report()


if __name__ == "__main__":
    run_main(main)
