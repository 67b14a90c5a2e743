"""Static post-training int8 quantisation of an export's model.onnx for ONNX Runtime on CPU (issue 16):
<model_dir>/model.onnx -> <model_dir>/model_int8.onnx, calibrated on real views made by this folder's own test
pipeline (the export's config.yaml) from a pose pkl.

    python tools/quantize.py --model_dir output/inference --calib_data test_tipc/data/fixed_input.pkl [--num_calib 32]

Steps: onnxruntime.quantization's pre-processing (graph optimisation: Conv+BN folding, shape inference), then
quantize_static in QDQ format (uint8 activations, int8 weights, MinMax calibration), which ONNX Runtime runs as
QLinearConv/QLinearAdd. `--num_calib` counts network inputs (views), taken round-robin over the pkl's videos (each
video gives test_clips x (2 if test_double) views). infer.py --precision int8 (with --backend auto or onnxruntime)
runs the result; tools/benchmark.py measures its speed and its agreement with fp32.
"""
from __future__ import annotations

import os
import sys
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay
# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import shutil
import tempfile

import numpy as np

from utils import UserError, check_flag, run_main, show_path, str2bool

FORMATS = ("QDQ", "QOperator")
METHODS = ("MinMax", "Entropy", "Percentile")


def calibration_views(export_dir: str, calib_data: str, num_calib: int, config: str | None = None) -> list:
    """`num_calib` single views [1, C, T, H, W] (float32) of the pkl's videos through the test pipeline of the
    export's config, taken round-robin (view 0 of every video, then view 1, ...)."""
    from datasets.pose_dataset import load_videos, video_views
    from datasets.transforms import build_pipeline
    from utils.config import config_beside, load_config
    config_path = config or config_beside(export_dir)
    if not config_path:
        raise UserError(f"no config, {export_dir} has no config.yaml, export again with export_model.py or pass "
                        "--config")
    pipeline = build_pipeline(load_config(config_path)["data"], "test")
    per_video = [video_views(pipeline, ann).astype(np.float32) for ann in load_videos(calib_data)]
    views = []
    for i in range(max(len(v) for v in per_video)):
        views += [v[i:i + 1] for v in per_video if i < len(v)]
    return views[:num_calib]


class _Reader:
    """onnxruntime.quantization.CalibrationDataReader over a list of inputs."""

    def __init__(self, name: str, inputs: list) -> None:
        self.name, self.inputs, self.index = name, inputs, 0

    def get_next(self):
        if self.index >= len(self.inputs):
            return None
        self.index += 1
        return {self.name: self.inputs[self.index - 1]}

    def rewind(self) -> None:
        self.index = 0


def quantize(model_dir: str, calib: list, per_channel: bool = False, reduce_range: bool = False,
             quant_format: str = "QDQ", method: str = "MinMax", out_name: str = "model_int8.onnx") -> str:
    """Write <model_dir>/<out_name> (renamed into place from a temporary file); returns its path."""
    import onnxruntime as ort
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process
    ort.set_default_logger_severity(3)  # not its notes on initializers the export leaves unused
    src = os.path.join(model_dir, "model.onnx")
    out = os.path.join(model_dir, out_name)
    work = tempfile.mkdtemp(prefix=".quantize-", dir=model_dir)
    try:
        pre = os.path.join(work, "pre.onnx")
        quant_pre_process(src, pre, skip_symbolic_shape=True)
        name = ort.InferenceSession(pre, providers=["CPUExecutionProvider"]).get_inputs()[0].name
        tmp = os.path.join(work, out_name)
        quantize_static(pre, tmp, _Reader(name, calib), quant_format=getattr(QuantFormat, quant_format),
                        per_channel=per_channel, reduce_range=reduce_range, activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QInt8, calibrate_method=getattr(CalibrationMethod, method))
        os.replace(tmp, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model_dir", required=True, help="export directory holding model.onnx (export_model.py "
                                                       "--onnx True) and config.yaml")
    p.add_argument("--calib_data", required=True, help="pose pkl (one annotation, a list, or a whole "
                                                        "{'split', 'annotations'} file)")
    p.add_argument("--num_calib", type=int, default=32, help="calibration views")
    p.add_argument("--per_channel", type=str2bool, default=False, help="per-output-channel weight scales")
    p.add_argument("--reduce_range", type=str2bool, default=False, help="7-bit weights (AVX2 without VNNI "
                                                                       "saturation guard)")
    p.add_argument("--quant_format", choices=FORMATS, default="QDQ")
    p.add_argument("--calibrate_method", choices=METHODS, default="MinMax")
    p.add_argument("--config", default=None, help="default: the export's config.yaml")
    return p.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    check_flag(args.num_calib, "--num_calib")
    if not os.path.isfile(os.path.join(args.model_dir, "model.onnx")):
        raise UserError(f"no model.onnx in {show_path(args.model_dir)}, --model_dir, export with "
                        "`python export_model.py --onnx True --save_dir <dir>` first")
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        raise UserError("onnxruntime is not installed, the environment, pip install onnxruntime") from None
    calib = calibration_views(args.model_dir, args.calib_data, args.num_calib, args.config)
    out = quantize(args.model_dir, calib, args.per_channel, args.reduce_range, args.quant_format,
                   args.calibrate_method)
    print(f"int8 model saved in {out} ({len(calib)} calibration views from {args.calib_data}, "
          f"{args.quant_format}, per_channel {args.per_channel}); run it with infer.py --precision int8")


if __name__ == "__main__":
    run_main(main)
