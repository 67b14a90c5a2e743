"""Torch checkpoint -> .pdparams, by parameter name.

Accepts MVFNet's releases (R50_16x4.pth ..., keys backbone.* / cls_head.new_fc.*) and torchvision's
ImageNet ResNet-50 (resnet50.pth, bare keys; its fc is dropped). Bare or wrapped in state_dict/model.

    python tools/convert_weights.py --src R50_16x4.pth --dst pretrained/mvf_r50_16x4_k400.pdparams
    python tools/convert_weights.py --src resnet50.pth --dst pretrained/resnet50_imagenet.pdparams
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import paddle  # noqa: E402

from utils import UserError, run_main  # noqa: E402
from utils.checkpoint import convert_torch_state_dict, read_torch_checkpoint  # noqa: E402


def convert(src: str, dst: str, mvf_freq=(0, 0, 1, 1), num_classes: int = None) -> dict:
    """Writes ``dst`` and returns the converted dict. With ``num_classes`` differing from the
    checkpoint's, the head is dropped (train.py then re-initialises it)."""
    if not os.path.isfile(src):
        raise UserError(f"{src} not found, pass --src <torch checkpoint>")
    sd = convert_torch_state_dict(read_torch_checkpoint(src), mvf_freq)
    bias = sd.get("cls_head.new_fc.bias")
    if num_classes is not None and bias is not None and bias.shape[0] != num_classes:
        print(f"warning: checkpoint head has {bias.shape[0]} classes, --num_classes {num_classes}: head dropped")
        sd.pop("cls_head.new_fc.weight")
        sd.pop("cls_head.new_fc.bias")
    os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
    paddle.save(sd, dst)
    print(f"{len(sd)} tensors written to {dst}")
    return sd


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--src", required=True)
    p.add_argument("--dst", required=True)
    p.add_argument("--mvf_freq", type=int, nargs=4, default=[0, 0, 1, 1])
    p.add_argument("--num_classes", type=int, default=None)
    args = p.parse_args()
    convert(args.src, args.dst, args.mvf_freq, args.num_classes)


if __name__ == "__main__":
    run_main(main)
