"""Torch checkpoint -> .pdparams, by parameter name.

Accepts MVFNet's releases (R50_16x4.pth ..., keys backbone.* / cls_head.new_fc.*) and torchvision's
ImageNet ResNet-50 (resnet50.pth, bare keys; its fc is dropped). Bare or wrapped in state_dict/model.
A Paddle .pdparams, a .npy, a text or a truncated file is refused with a one-line `error:`.

    python tools/convert_weights.py --src R50_16x4.pth --dst pretrained/mvf_r50_16x4_k400.pdparams
    python tools/convert_weights.py --src R50_16x4.pth --dst pretrained/mvf_r50_16x4_ucf101.pdparams --num_classes 101
    python tools/convert_weights.py --src resnet50.pth --dst pretrained/resnet50_imagenet.pdparams
"""
import argparse
import os
import sys

# run as `python tools/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np
import paddle

from utils import UserError, run_main
from utils.checkpoint import HEAD_KEYS, convert_torch_state_dict, read_torch_checkpoint


def convert(src: str, dst: str, mvf_freq=(0, 0, 1, 1), num_classes: int = None, log=print) -> dict:
    """Writes ``dst`` and returns the converted dict. With ``num_classes`` differing from the
    checkpoint's, the head tensors are dropped (the model re-initialises them when loading)."""
    if not os.path.isfile(src):
        raise UserError(f"--src {src} not found, pass the torch checkpoint (e.g. R50_16x4.pth)")
    sd = convert_torch_state_dict(read_torch_checkpoint(src), mvf_freq, log)
    if not sd:
        raise UserError(f"--src {src} holds no MVFNet or ResNet-50 parameter names (backbone.*, layerN.*, "
                        "cls_head.new_fc.*), pass a checkpoint of MVFNet or torchvision's ResNet-50")
    bias = sd.get(HEAD_KEYS[1])
    if num_classes is not None and bias is not None and bias.shape[0] != num_classes:
        shapes = " and ".join(f"{k} {list(np.shape(sd[k]))}" for k in HEAD_KEYS)
        log(f"warning: dropped {shapes}: the checkpoint's classifier has {bias.shape[0]} classes, "
            f"--num_classes is {num_classes}, so these tensors cannot be loaded; the model re-initialises "
            f"its {num_classes}-class head when it loads {dst}")
        for k in HEAD_KEYS:
            sd.pop(k)
    os.makedirs(os.path.dirname(os.path.abspath(dst)), exist_ok=True)
    paddle.save(sd, dst)
    log(f"{len(sd)} tensors written to {dst}")
    return sd


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--src", required=True, help="torch checkpoint (.pth/.pt/.pth.tar)")
    p.add_argument("--dst", required=True, help="output .pdparams")
    p.add_argument("--mvf_freq", type=int, nargs=4, default=[0, 0, 1, 1])
    p.add_argument("--num_classes", type=int, default=None,
                   help="drop the checkpoint's classifier when its class count differs")
    args = p.parse_args(argv)
    convert(args.src, args.dst, args.mvf_freq, args.num_classes)


if __name__ == "__main__":
    run_main(main)
