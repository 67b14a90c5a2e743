"""Static post-training int8 quantisation of an export's model.onnx for ONNX Runtime (QDQ, calibrated on real
clips through the export's own test pipeline), written atomically to <model_dir>/model_int8.onnx.

    python tools/quantize.py --model_dir output/inference --calib_data data/ucf101/infer_list.txt [--num_calib 32]
    python infer.py --model_dir output/inference --input_file my_clip.avi --precision int8

--calib_data takes what infer.py's --input_file takes (a rawframes folder, a video, a preprocessed .npy or a .txt
list of them); the clips are repeated when there are fewer than --num_calib.
"""
import argparse
import os
import sys
import tempfile

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


from datasets.video import read_inputs
from utils import UserError, check_flag, run_main, str2bool
from utils.config import config_beside, load_config


class ClipReader:
    """onnxruntime's CalibrationDataReader over preprocessed clips, one per call."""

    def __init__(self, name: str, clips: list) -> None:
        self.name, self.items = name, iter(clips)

    def get_next(self):
        clip = next(self.items, None)
        return None if clip is None else {self.name: clip[None]}


def quantize(model_dir: str, calib_data: str, num_calib: int = 32, per_channel: bool = False) -> str:
    from onnxruntime.quantization import CalibrationMethod, QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process
    src = os.path.join(model_dir, "model.onnx")
    if not os.path.isfile(src):
        raise UserError(f"{src} not found, export with python export_model.py --onnx True --save_dir {model_dir}")
    config = config_beside(model_dir)
    if not config:
        raise UserError(f"{model_dir} has no config.yaml, export the model again with export_model.py")
    clips = [clip for _, clip in read_inputs(calib_data, load_config(config))]
    clips = (clips * (-(-num_calib // len(clips))))[:num_calib]
    import onnxruntime as ort
    name = ort.InferenceSession(src, providers=["CPUExecutionProvider"]).get_inputs()[0].name
    dst = os.path.join(model_dir, "model_int8.onnx")
    with tempfile.TemporaryDirectory(dir=model_dir) as tmp:
        prepared = os.path.join(tmp, "prepared.onnx")
        quant_pre_process(src, prepared, skip_symbolic_shape=True)
        out = os.path.join(tmp, "model_int8.onnx")
        quantize_static(prepared, out, ClipReader(name, clips), quant_format=QuantFormat.QDQ,
                        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, per_channel=per_channel,
                        calibrate_method=CalibrationMethod.MinMax)
        os.replace(out, dst)
    print(f"int8 model written to {dst} (calibrated on {len(clips)} clips of {calib_data})")
    return dst


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model_dir", required=True, help="export directory (model.onnx + config.yaml)")
    p.add_argument("--calib_data", required=True, help="clips to calibrate on, as infer.py --input_file takes them")
    p.add_argument("--num_calib", type=int, default=32)
    p.add_argument("--per_channel", type=str2bool, default=False)
    args = p.parse_args(argv)
    check_flag(args.num_calib, "--num_calib")
    quantize(args.model_dir, args.calib_data, args.num_calib, args.per_channel)


if __name__ == "__main__":
    run_main(main)
