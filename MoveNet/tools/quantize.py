"""Static post-training int8 quantisation of an exported MoveNet for ONNX Runtime (issue 16):

    python tools/quantize.py --model_dir inference --calib_data <images | a cropped/ dataset root> --num_calib 32
        [--per_channel True]

reads <model_dir>/model.onnx (export_model.py --onnx True; network or --with_decode export), calibrates on
--num_calib real pictures preprocessed exactly as infer.py does (datasets/images.py: RGB, resized to the input
size, 0-255), and writes <model_dir>/model_int8.onnx (QDQ, int8 weights and activations of the convolutions, MinMax
calibration) atomically. `infer.py --model_dir <dir> --precision int8` runs it with ONNX Runtime."""
import os
import sys

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import warnings  # noqa: E402

warnings.filterwarnings('ignore', message='No ccache found')  # paddle's harmless import-time warning

import argparse  # noqa: E402
import shutil  # noqa: E402
import tempfile  # noqa: E402
from typing import List, Optional  # noqa: E402

import numpy as np  # noqa: E402

from utils import ArgumentParser, UserError, cli, input_path, str2bool  # noqa: E402


def calibration_images(calib_data: str, num: int, size: int) -> np.ndarray:
    """[num, 3, S, S] float32 RGB 0-255 from a folder of images, a dataset root (its imgs/) or one video."""
    from datasets.images import load_frames, preprocess
    path = os.path.join(calib_data, 'imgs') if os.path.isdir(os.path.join(calib_data, 'imgs')) else calib_data
    frames = load_frames(path)
    if not frames:
        raise UserError(f'no pictures in {calib_data}, --calib_data, pass a folder of images or a dataset root')
    step = max(1, len(frames) // num)
    return np.stack([preprocess(img, size) for _, img in frames[::step][:num]])


def quantize(model_dir: str, calib_data: str, num_calib: int = 32, per_channel: bool = False) -> str:
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    src = os.path.join(model_dir, 'model.onnx')
    if not os.path.isfile(src):
        raise UserError(f'{src} not found, --model_dir, export with `export_model.py --onnx True` first')
    import onnx
    model = onnx.load(src)
    dims = model.graph.input[0].type.tensor_type.shape.dim
    size = int(dims[-1].dim_value) or 192
    name = model.graph.input[0].name
    batch = calibration_images(calib_data, num_calib, size)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.items = iter([{name: batch[i:i + 1]} for i in range(len(batch))])

        def get_next(self):
            return next(self.items, None)

    out = os.path.join(model_dir, 'model_int8.onnx')
    work = tempfile.mkdtemp(prefix='.quant-', dir=model_dir)
    try:
        tmp = os.path.join(work, 'model_int8.onnx')
        import logging
        logging.getLogger().setLevel(logging.ERROR)  # its 'consider pre-processing' advice on every run
        quantize_static(src, tmp, Reader(), quant_format=QuantFormat.QDQ, op_types_to_quantize=['Conv'],
                        per_channel=per_channel, activation_type=QuantType.QInt8, weight_type=QuantType.QInt8,
                        calibrate_method=CalibrationMethod.MinMax)
        os.replace(tmp, out)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f'int8 model ({len(batch)} calibration pictures, per_channel {per_channel}) is saved in {out}.')
    return out


@cli
def main(argv: Optional[List[str]] = None) -> None:
    p = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--model_dir', required=True, help='export dir with model.onnx')
    p.add_argument('--calib_data', required=True, help='a folder of images, a cropped/ dataset root or a video')
    p.add_argument('--num_calib', type=int, default=32)
    p.add_argument('--per_channel', type=str2bool, default=False)
    args = p.parse_args(argv)
    if args.num_calib < 1:
        raise UserError(f'--num_calib {args.num_calib} must be >= 1, command line, pass a positive number')
    quantize(input_path(args.model_dir), input_path(args.calib_data), args.num_calib, args.per_channel)


if __name__ == '__main__':
    main()
