"""The seed's pd2onnx.py: export weights and convert them to ONNX in one go.

    python pd2onnx.py --model_path output/best_model/model.pdparams --save_dir inference"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from export_model import export  # noqa: E402

from utils import from_root, input_path, run_main, str2bool  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument('--model_path', default=None, help='default: <this folder>/output/best_model/model.pdparams')
    parser.add_argument('--save_dir', default=None, help='default: <this folder>/inference')
    parser.add_argument('--with_decode', type=str2bool, default=False)
    args = parser.parse_args()
    export(input_path(args.model_path) or from_root('output/best_model/model.pdparams'), args.save_dir or from_root('inference'),
           args.with_decode, onnx=True)


if __name__ == '__main__':
    run_main(main)
