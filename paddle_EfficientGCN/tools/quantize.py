"""Static post-training int8 quantisation of an export's model.onnx for ONNX Runtime on CPU (issue 16):
<model_dir>/model.onnx -> <model_dir>/model_int8.onnx, calibrated on real samples (a raw NTU `.skeleton` file or an
[N, 3, T, 25, M] `.npy` as tools/ntu_reader.py writes it) through this folder's own test pipeline: the export's
config.yaml (frames kept, J/V/B input streams, x-view pre-normalisation of raw files), exactly what infer.py feeds.

    python tools/quantize.py --model_dir inference --calib_data data/npy_dataset/original/ntu-xsub/train_data.npy

Steps: onnxruntime.quantization's pre-processing (shape inference, graph optimisation), then quantize_static in QDQ
format (uint8 activations, int8 weights, MinMax calibration). The calibration samples are spread evenly over the
file. `infer.py --precision int8` (with --backend auto or onnxruntime) runs the result; tools/benchmark.py measures
its speed and its agreement with fp32.
"""
import os
import sys
import warnings

warnings.filterwarnings('ignore', message='No ccache found')  # Paddle's import-time note (issue 17)
# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import logging
import shutil
import tempfile
from typing import List, Optional

import numpy as np

from utils import ArgumentParser, UserError, positive_int, run_main, str2bool

FORMATS = ('QDQ', 'QOperator')
METHODS = ('MinMax', 'Entropy', 'Percentile')


def calibration_inputs(model_dir: str, calib_data: str, num_calib: int, config: Optional[str] = None) -> List:
    """`num_calib` network inputs [1, I, C, T, V, M] (float32), spread evenly over the file's samples."""
    from datasets.feeder import load_input_file
    from datasets.transforms import build_transform
    from utils.config import load_config, resolve_config
    cfg = load_config(resolve_config(config, model_dir, '--model_dir'))
    data, _, _ = load_input_file(calib_data, transform=cfg['dataset_args']['transform'])
    transform = build_transform(cfg['dataset_args']['num_frame'], cfg['dataset_args']['inputs'])
    index = np.unique(np.linspace(0, len(data) - 1, min(num_calib, len(data))).astype(int))
    return [transform(np.asarray(data[i]))[None].astype(np.float32) for i in index]


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
             quant_format: str = 'QDQ', method: str = 'MinMax', out_name: str = 'model_int8.onnx') -> str:
    """Write <model_dir>/<out_name> (renamed into place from a temporary file); returns its path."""
    import onnxruntime as ort
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process
    ort.set_default_logger_severity(3)  # not its notes on initialisers the export leaves unused
    src, out = os.path.join(model_dir, 'model.onnx'), os.path.join(model_dir, out_name)
    work = tempfile.mkdtemp(prefix='.quantize-', dir=model_dir)
    logging.disable(logging.WARNING)  # its per-tensor notes (BN scales of rank 1 kept per-tensor, bias copies)
    try:
        pre = os.path.join(work, 'pre.onnx')
        quant_pre_process(src, pre, skip_symbolic_shape=True)
        name = ort.InferenceSession(pre, providers=['CPUExecutionProvider']).get_inputs()[0].name
        tmp = os.path.join(work, out_name)
        quantize_static(pre, tmp, _Reader(name, calib), quant_format=getattr(QuantFormat, quant_format),
                        per_channel=per_channel, reduce_range=reduce_range, activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QInt8, calibrate_method=getattr(CalibrationMethod, method))
        os.replace(tmp, out)
    finally:
        logging.disable(logging.NOTSET)
        shutil.rmtree(work, ignore_errors=True)
    return out


def parse_args(argv=None):
    p = ArgumentParser(prog='tools/quantize.py', description=__doc__.split('\n\n')[0])
    p.add_argument('--model_dir', required=True,
                   help='export directory holding model.onnx (export_model.py --onnx True) and config.yaml')
    p.add_argument('--calib_data', required=True, help='.skeleton file or [N, 3, T, 25, M] .npy')
    p.add_argument('--num_calib', type=positive_int, default=32, help='calibration samples')
    p.add_argument('--per_channel', type=str2bool, default=False, help='per-output-channel weight scales')
    p.add_argument('--reduce_range', type=str2bool, default=False, help='7-bit weights (AVX2 without VNNI)')
    p.add_argument('--quant_format', choices=FORMATS, default='QDQ')
    p.add_argument('--calibrate_method', choices=METHODS, default='MinMax')
    p.add_argument('--config', default=None, help="default: the export's config.yaml")
    return p.parse_args(argv)


def main(argv=None) -> str:
    args = parse_args(argv)
    if not os.path.isfile(os.path.join(args.model_dir, 'model.onnx')):
        raise UserError(f'no model.onnx in {args.model_dir} (--model_dir), export with '
                        '`python export_model.py --onnx True --save_dir <dir>` first')
    try:
        import onnxruntime  # noqa: F401
    except ImportError:
        raise UserError('onnxruntime is not installed, the environment, pip install onnxruntime') from None
    calib = calibration_inputs(args.model_dir, args.calib_data, args.num_calib, args.config)
    out = quantize(args.model_dir, calib, args.per_channel, args.reduce_range, args.quant_format,
                   args.calibrate_method)
    print(f'int8 model saved in {out} ({len(calib)} calibration samples from {args.calib_data}, '
          f'{args.quant_format}, per_channel {args.per_channel}); run it with infer.py --precision int8')
    return out


if __name__ == '__main__':
    run_main(main)
