"""Evaluate PoseC3D on the test split: 10 clips x flip = 20 views per video, softmax-averaged. Two ways:
a dygraph checkpoint (--pretrained, default) or an export directory (--model_dir: Paddle Inference with oneDNN or
ONNX Runtime, the fast path of infer.py, also --precision int8). The config is the config.yaml beside the weights
or in the export directory (train.py / export_model.py write it) unless --config overrides it.
python test.py --dataset_root ucf101.pkl --pretrained output/best_model/model.pdparams
python test.py --dataset_root ucf101.pkl --model_dir output/inference
"""
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay

import argparse
import os

from datasets.pose_dataset import build_dataset
from utils import check_flag, in_root, run_main, set_device, str2bool, write_json
from utils.config import load_config, resolve_config
from utils.engine import build_loader, evaluate
from utils.inference import BACKENDS, PRECISIONS


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", default=None, help="default: config.yaml beside --pretrained / in --model_dir")
    p.add_argument("--dataset_root", required=True, help="pose pkl ({'split', 'annotations'})")
    p.add_argument("--pretrained", default=in_root("output", "best_model", "model.pdparams"),
                   help="dygraph checkpoint; default: output/best_model/model.pdparams in this folder")
    p.add_argument("--model_dir", default=None, help="an export directory instead: the fast inference path")
    p.add_argument("--backend", choices=BACKENDS, default="auto", help="--model_dir: as infer.py")
    p.add_argument("--precision", choices=PRECISIONS, default="fp32", help="--model_dir: as infer.py")
    p.add_argument("--enable_mkldnn", type=str2bool, default=True, help="--model_dir: oneDNN for Paddle Inference")
    p.add_argument("--cpu_threads", type=int, default=None, help="--model_dir: default all cores")
    p.add_argument("--batch_size", type=int, default=None, help="videos per batch (config train.test_batch_size)")
    p.add_argument("--split", type=int, choices=[1, 2, 3], default=None, help="data.test_split = test<k>")
    p.add_argument("--mode", choices=["test", "val"], default="test", help="val: 1 clip, no flip")
    p.add_argument("--num_workers", type=int, default=0)
    p.add_argument("--device", choices=["cpu", "gpu"], default=None)
    p.add_argument("--save_dir", default=None, help="write metrics.json and scores.npz (per-video probabilities) "
                                                    "here")
    return p.parse_args(argv)


def build_runner(args, cfg: dict):
    """(dygraph model, None) for a checkpoint; (None, predictor) for an export directory."""
    if args.model_dir:
        from utils.inference import Options, create_predictor
        opts = Options(backend=args.backend, precision=args.precision, enable_mkldnn=args.enable_mkldnn,
                       cpu_threads=args.cpu_threads or os.cpu_count() or 1, use_gpu=args.device == "gpu")
        predictor = create_predictor(opts, None, None, args.model_dir)
        print(f"Inference model({predictor.model}) with {predictor.description}...")
        return None, predictor.run
    from models import build_model
    from utils.checkpoint import load_pretrained
    set_device(args.device)
    model = build_model(cfg["model"])
    for note in load_pretrained(model, args.pretrained):
        print(note)
    print(f"Dygraph model({args.pretrained})...")
    return model, None


def save(save_dir: str, metrics: dict) -> None:
    """metrics.json and scores.npz (scores [videos, classes], labels), each written atomically."""
    import io

    import numpy as np

    from utils.atomic_io import write_file_atomic
    buf = io.BytesIO()
    np.savez(buf, scores=metrics.pop("scores"), labels=metrics.pop("labels"))
    write_file_atomic(os.path.join(save_dir, "scores.npz"), buf.getvalue())
    write_json(os.path.join(save_dir, "metrics.json"), metrics)


def main(argv=None):
    args = parse_args(argv)
    check_flag(args.num_workers, "--num_workers", low=0)
    check_flag(args.cpu_threads, "--cpu_threads")
    weights, flag = (args.model_dir, "--model_dir") if args.model_dir else (args.pretrained, "--pretrained")
    cfg = load_config(resolve_config(args.config, weights, flag),
                      {"data.test_split": args.split and f"test{args.split}", "train.test_batch_size": args.batch_size},
                      {"data.test_split": "--split", "train.test_batch_size": "--batch_size"})
    if args.model_dir:
        import paddle
        paddle.set_device("cpu")  # the loader's tensors; the predictor has its own device
    else:
        set_device(args.device)
    dataset = build_dataset(args.dataset_root, cfg, args.mode)
    model, predictor = build_runner(args, cfg)
    loader = build_loader(dataset, cfg["train"]["test_batch_size"], False, args.num_workers)
    metrics = evaluate(model, loader, "test", predictor=predictor, keep_scores=bool(args.save_dir))
    print(f"[TEST] videos: {metrics['videos']}, top1: {metrics['top1']:.4f}, top5: {metrics['top5']:.4f}, "
          f"mean_class_acc: {metrics['mean_class_acc']:.4f}, data: {metrics['data_s_per_video']:.3f} s/video, "
          f"model: {metrics['model_s_per_video']:.3f} s/video")
    if args.save_dir:
        save(args.save_dir, metrics)


if __name__ == "__main__":
    run_main(main)
