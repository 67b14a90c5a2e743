"""Paddle Inference (or ONNX Runtime) on a pose pkl: the test pipeline per video, all views of `batch_size`
videos in one run, per-view probabilities averaged per video.
python infer.py --model_file output/model.json --params_file output/model.pdiparams --input_file v_xxx.pkl
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import argparse  # noqa: E402

import numpy as np  # noqa: E402

from datasets.pose_dataset import load_videos  # noqa: E402
from datasets.transforms import build_pipeline  # noqa: E402
from utils import UserError, in_root, load_config, run_main, str2bool  # noqa: E402


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=in_root("configs", "posec3d_r50_ucf101_split1.yaml"), help="its data section")
    p.add_argument("--model_file", default=None, help="model.json (Paddle 3) or model.pdmodel (Paddle 2)")
    p.add_argument("--params_file", default=None, help="model.pdiparams")
    p.add_argument("--model_dir", default=None, help="dir holding model.json/.pdmodel + model.pdiparams")
    p.add_argument("--input_file", required=True, help="pkl: one annotation dict or {'split', 'annotations'}")
    p.add_argument("-b", "--batch_size", type=int, default=1, help="videos per predictor run")
    p.add_argument("--use_gpu", type=str2bool, default=False)
    p.add_argument("--enable_mkldnn", type=str2bool, default=False)
    p.add_argument("--cpu_threads", type=int, default=1)
    p.add_argument("--use_tensorrt", type=str2bool, default=False)
    p.add_argument("--precision", choices=["fp32", "fp16", "int8"], default="fp32")
    p.add_argument("--ir_optim", type=str2bool, default=True)
    p.add_argument("--gpu_mem", type=int, default=8000)
    p.add_argument("--enable_benchmark", type=str2bool, default=False)
    p.add_argument("--backend", choices=["paddle", "onnxruntime"], default="paddle")
    p.add_argument("--onnx_file", default=None, help="model.onnx for --backend onnxruntime "
                                                     "(default: next to the model file)")
    return p.parse_args(argv)


def resolve_model(args) -> tuple[str, str]:
    """A .json/.pdmodel pair: the given file, else its other suffix, else what --model_dir holds."""
    model_file, params_file = args.model_file, args.params_file
    if args.model_dir:
        model_file = model_file or os.path.join(args.model_dir, "model.json")
        params_file = params_file or os.path.join(args.model_dir, "model.pdiparams")
    if not model_file:
        raise UserError("no model given, the command line, pass --model_file and --params_file or --model_dir")
    if not os.path.isfile(model_file):
        base, ext = os.path.splitext(model_file)
        other = base + (".pdmodel" if ext == ".json" else ".json")
        if not os.path.isfile(other):
            raise UserError(f"model file not found, {model_file}, run export_model.py first")
        model_file = other
    params_file = params_file or os.path.splitext(model_file)[0] + ".pdiparams"
    if not os.path.isfile(params_file):
        raise UserError(f"params file not found, {params_file}, run export_model.py first")
    return model_file, params_file


def create_paddle_predictor(args, model_file: str, params_file: str):
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
        config.set_cpu_math_library_num_threads(args.cpu_threads)
        if args.enable_mkldnn:
            config.enable_mkldnn()
            config.set_mkldnn_cache_capacity(10)
        else:
            config.disable_mkldnn()  # on by default in Paddle 3
    config.switch_ir_optim(args.ir_optim)
    if model_file.endswith(".pdmodel"):
        config.enable_memory_optim()  # breaks create_predictor on PIR (.json) models
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


def create_ort_predictor(args, onnx_file: str):
    import onnxruntime as ort
    if not os.path.isfile(onnx_file):
        raise UserError(f"onnx model not found, {onnx_file}, export with --onnx True")
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = args.cpu_threads
    sess = ort.InferenceSession(onnx_file, opts, providers=["CPUExecutionProvider"])
    name = sess.get_inputs()[0].name
    return (lambda x: sess.run(None, {name: x})[0]), None


def main(argv=None):
    args = parse_args(argv)
    cfg = load_config(args.config)
    anns = load_videos(args.input_file)
    model_file, params_file = resolve_model(args)
    if args.backend == "paddle":
        run, config = create_paddle_predictor(args, model_file, params_file)
    else:
        run, config = create_ort_predictor(args, args.onnx_file or os.path.splitext(model_file)[0] + ".onnx")
    pipeline = build_pipeline(cfg["data"], "test")
    batches = [anns[i:i + args.batch_size] for i in range(0, len(anns), args.batch_size)]
    autolog = None
    if args.enable_benchmark:
        try:
            import auto_log
        except ImportError:
            from utils import auto_log
        d = cfg["data"]
        autolog = auto_log.AutoLogger(model_name="PoseC3D", model_precision=args.precision,
                                      batch_size=args.batch_size,
                                      data_shape=[17, d["clip_len"], d["test_size"], d["test_size"]],
                                      save_path=None, inference_config=config, pids=os.getpid(),
                                      process_name=None, gpu_ids=None,
                                      time_keys=["preprocess_time", "inference_time", "postprocess_time"],
                                      warmup=2)
        batches = batches * (-(-5 // len(batches)))  # enough batches to time after the 2 warm-up ones
    print(f"Inference model({model_file})...")
    for batch in batches:
        if autolog:
            autolog.times.start()
        views = [pipeline(dict(a, start_index=a.get("start_index", 0)))["imgs"] for a in batch]
        x = np.concatenate(views).astype(np.float32)
        if autolog:
            autolog.times.stamp()
        probs = run(x)
        if autolog:
            autolog.times.stamp()
        n = views[0].shape[0]
        video_probs = probs.reshape(len(batch), n, -1).mean(axis=1)
        if autolog:
            autolog.data_num += len(batch)
            autolog.times.end(stamp=True)
            continue
        for ann, p in zip(batch, video_probs):
            print(f"Current video file: {ann['frame_dir']}")
            print(f"\ttop-1 class: {int(np.argmax(p))}")
            print(f"\ttop-1 score: {float(np.max(p))}")
    if autolog:
        autolog.report()


if __name__ == "__main__":
    run_main(main)
