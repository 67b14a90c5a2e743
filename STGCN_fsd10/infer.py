"""Paddle Inference (or ONNX Runtime) on an FSD-10 .npy file with an exported model.

    python infer.py --model_dir ./inference --input_file data/fsd10/test_A_data.npy --config configs/stgcn_fsd10.yaml
The input is a data file [N, C, T, 25, M] or one sample [C, T, 25, M]. The pipeline is the one the model
was exported with (<model dir>/infer_cfg.yml, written by export_model.py: AutoPadding + SkeletonNorm for
FSD-10, Iden for NTU), or --config's; data or a config whose C or M differ from the exported input
shape are refused (the exported graph would silently return one row per person).
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402

import yaml  # noqa: E402

from datasets.fsd10 import load_samples, requirements  # noqa: E402
from datasets.transforms import build_transforms  # noqa: E402
from utils.common import (UserError, exported_model_files, folder_path, load_config, num_person,  # noqa: E402
                          run_main, str2bool)


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="ST-GCN inference with Paddle Inference or ONNX Runtime")
    p.add_argument("--model_file", default=None, help="model.json (Paddle 3) or model.pdmodel (Paddle 2)")
    p.add_argument("--params_file", default=None, help="model.pdiparams")
    p.add_argument("--model_dir", default=None, help="instead of --model_file/--params_file")
    p.add_argument("--input_file", default=folder_path("test_tipc", "data", "mini", "example_sample.npy"))
    p.add_argument("--config", default=None, help="pipeline, channels and persons (default: the model dir's "
                                                  "infer_cfg.yml, else configs/stgcn_fsd10.yaml)")
    p.add_argument("-b", "--batch_size", type=int, default=1)
    p.add_argument("--use_gpu", type=str2bool, default=False)
    p.add_argument("--enable_mkldnn", type=str2bool, default=True)
    p.add_argument("--cpu_threads", type=int, default=1)
    p.add_argument("--use_tensorrt", type=str2bool, default=False)
    p.add_argument("--precision", choices=["fp32", "fp16", "int8"], default="fp32")
    p.add_argument("--ir_optim", type=str2bool, default=True)
    p.add_argument("--gpu_mem", type=int, default=8000)
    p.add_argument("--enable_benchmark", type=str2bool, default=False)
    p.add_argument("--backend", choices=["paddle", "onnxruntime"], default="paddle")
    return p.parse_args(argv)


def resolve_model(args: argparse.Namespace) -> tuple:
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
    def __init__(self, args: argparse.Namespace) -> None:
        from paddle import inference
        model_file, params_file = resolve_model(args)
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
                if args.precision == "fp16":
                    config.enable_mkldnn_bfloat16()
            else:
                config.disable_mkldnn()  # on by default in Paddle 3
        config.switch_ir_optim(args.ir_optim)
        if model_file.endswith(".pdmodel"):  # breaks create_predictor on PIR (.json) models
            config.enable_memory_optim()
        self.config = config
        self.predictor = inference.create_predictor(config)
        self.input = self.predictor.get_input_handle(self.predictor.get_input_names()[0])
        self.output = self.predictor.get_output_handle(self.predictor.get_output_names()[0])

    def __call__(self, x: np.ndarray) -> np.ndarray:
        self.input.reshape(x.shape)
        self.input.copy_from_cpu(x)
        self.predictor.run()
        return self.output.copy_to_cpu()


class OnnxPredictor:
    def __init__(self, args: argparse.Namespace) -> None:
        import onnxruntime
        path = os.path.join(model_dir_of(args), "model.onnx")
        if not os.path.isfile(path):
            raise UserError(f"ONNX model not found, {path}, run export_model.py --onnx True")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = args.cpu_threads
        self.session = onnxruntime.InferenceSession(path, options, providers=["CPUExecutionProvider"])
        self.name = self.session.get_inputs()[0].name
        self.input_shape = self.session.get_inputs()[0].shape  # [N?, C, T?, V, M]: C, V, M are ints
        self.config = {"runtime_device": "cpu", "ir_optim": True, "enable_mkldnn": False,
                       "cpu_math_library_num_threads": args.cpu_threads}

    def __call__(self, x: np.ndarray) -> np.ndarray:
        return self.session.run(None, {self.name: x})[0]


def model_dir_of(args: argparse.Namespace) -> str:
    return args.model_dir or os.path.dirname(os.path.abspath(args.model_file or ""))


def load_infer_config(args: argparse.Namespace) -> dict:
    """--config, checked against the exported model's infer_cfg.yml; or that file; or the default config."""
    info_path = os.path.join(model_dir_of(args), "infer_cfg.yml")
    info = None
    if os.path.isfile(info_path):
        with open(info_path, encoding="utf-8") as f:
            info = yaml.safe_load(f)
    if args.config is None and info is not None:
        cfg = {"model": dict(info["model"]), "data": dict(info["data"]), "train": {}, "_path": info_path}
    else:
        cfg = load_config(args.config or folder_path("configs", "stgcn_fsd10.yaml"))
    if info is not None:
        shape = info["input_shape"]
        mine = [cfg["model"].get("in_channels", 2), num_person(cfg)]
        if mine != [shape[1], shape[4]]:
            raise UserError(f"config {cfg['_path']} has C={mine[0]}, M={mine[1]} but the exported model takes "
                            f"C={shape[1]}, M={shape[4]} ({info_path}), pass the config it was exported with "
                            "or drop --config")
    return cfg


def main(argv=None) -> None:
    args = parse_args(argv)
    cfg = load_infer_config(args)
    data = load_samples(args.input_file, **requirements(cfg))
    transform = build_transforms(cfg)
    predictor = OnnxPredictor(args) if args.backend == "onnxruntime" else PaddlePredictor(args)
    shape = getattr(predictor, "input_shape", None)
    if shape and isinstance(shape[4], int) and shape[4] != data.shape[4]:
        raise UserError(f"the data has M={data.shape[4]} persons per sample but the ONNX model takes M={shape[4]}, "
                        f"{args.input_file}, export the model with the config of this data's layout")
    print("Inference model(STGCN)...")
    autolog, warmup = None, 2
    if args.enable_benchmark:
        try:
            import auto_log
        except ImportError:
            from utils import auto_log
        autolog = auto_log.AutoLogger(
            model_name="STGCN", model_precision=args.precision, batch_size=args.batch_size,
            data_shape="dynamic", save_path=folder_path("output", "auto_log.lpg"), inference_config=predictor.config,
            pids=os.getpid(), process_name=None, gpu_ids="auto" if args.use_gpu else None,
            time_keys=["preprocess_time", "inference_time", "postprocess_time"], warmup=warmup)
        # time enough batches that more than `warmup` are measured (auto_log fails otherwise)
        repeats = max(1, -(-(warmup + 8) * args.batch_size // len(data)))
        index = np.tile(np.arange(len(data)), repeats)
    else:
        index = np.arange(len(data))
    name = os.path.basename(args.input_file)
    for start in range(0, len(index), args.batch_size):
        batch = index[start:start + args.batch_size]
        if autolog:
            autolog.times.start()
        x = np.stack([transform(np.asarray(data[i])) for i in batch])
        if autolog:
            autolog.times.stamp()
        probs = predictor(x)
        if autolog:
            autolog.times.stamp()
        classes, scores = probs.argmax(axis=1), probs.max(axis=1)
        if autolog:
            autolog.times.end(stamp=True)
            continue
        for i, cls, score in zip(batch, classes, scores):
            print(f"Current video file: {name}[{i}]")
            print(f"\ttop-1 class: {int(cls)}")
            print(f"\ttop-1 score: {float(score):.6f}")
    if autolog:
        autolog.report()


if __name__ == "__main__":
    run_main(main)
