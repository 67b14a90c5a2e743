"""Export MoveNet for Paddle Inference (and ONNX): `<save_dir>/model.json|.pdmodel + model.pdiparams + config.yaml`
(+ model.onnx). The directory is written whole into a temporary one and swapped in (utils/atomic_io), so a kill
never leaves a half export; a save_dir holding anything but export files is refused, never replaced."""
import os
import re
import shutil
from typing import Dict

import numpy as np

from utils import UserError
from utils.atomic_io import COMPLETE, recover_dir, save_dir_atomic
from utils.config import CONFIG_NAME, to_dict

EXPORT_FILES = {'model.json', 'model.pdmodel', 'model.pdiparams', 'model.pdiparams.info', 'model.onnx', CONFIG_NAME,
                COMPLETE}


def model_file(save_dir: str) -> str:
    for name in ('model.json', 'model.pdmodel'):
        if os.path.isfile(os.path.join(save_dir, name)):
            return os.path.join(save_dir, name)
    raise UserError(f'no model.json/model.pdmodel in {save_dir}, --save_dir/--model_dir, run export_model.py first')


def build_layer(cfg, model_path: str, with_decode: bool = False):
    """The network (or network + decode) of the config, with the checkpoint loaded strictly, in eval mode."""
    from models import MoveNet, MoveNetWithDecode
    from utils.checkpoint import load_weights
    net = MoveNet(cfg.DATA.num_joints)
    load_weights(net, model_path, flag='--model_path')
    net.eval()
    layer = MoveNetWithDecode(net, cfg.TEST.hm_th, cfg.DATA.img_size, cfg.TEST.keypoint_units) if with_decode else net
    layer.eval()
    return layer


def deploy_form(layer) -> None:
    """The FPN's x2 bilinear upsampling as one depthwise transposed convolution (models/layers.Upsample2x, same
    values to float32 rounding): Paddle Inference with oneDNN runs it as one kernel instead of ~20 small ops."""
    from models.layers import Upsample2x
    for m in layer.sublayers():
        if isinstance(m, Upsample2x):
            m.conv_form = True


def check_save_dir(save_dir: str) -> None:
    if os.path.isdir(save_dir):
        other = sorted(set(os.listdir(save_dir)) - EXPORT_FILES)
        if other:
            raise UserError(f'{save_dir} holds other files ({", ".join(other[:3])}), --save_dir, pass a new or empty '
                            'folder (an export replaces the whole folder)')
    elif os.path.exists(save_dir):
        raise UserError(f'{save_dir} is a file, --save_dir, pass a folder')


def clean_own_debris(save_dir: str) -> None:
    """What a killed export of this save_dir left beside it (`<dir>.tmp-<pid>`, `<dir>.old-<pid>`,
    `<dir>-export.tmp-<pid>`): a complete old copy is put back first (utils/atomic_io.recover_dir), the rest goes.
    Nothing else in the parent folder is touched."""
    parent, base = os.path.split(save_dir)
    if not os.path.isdir(parent):
        return
    recover_dir(save_dir)
    debris = re.compile(rf'^{re.escape(base)}(?:-export)?\.(?:tmp|old)-(\d+)$')
    for name in os.listdir(parent):
        m = debris.match(name)
        if m and int(m.group(1)) != os.getpid():
            shutil.rmtree(os.path.join(parent, name), ignore_errors=True)


def export(cfg, model_path: str, save_dir: str, with_decode: bool = False, onnx: bool = False) -> str:
    """Write the export (and its config.yaml) into save_dir atomically; returns save_dir."""
    import paddle
    check_save_dir(save_dir)
    layer = build_layer(cfg, model_path, with_decode)
    deploy_form(layer)
    size = cfg.DATA.img_size
    probe = np.random.RandomState(0).uniform(0, 255, (1, 3, size, size)).astype(np.float32)
    with paddle.no_grad():  # the dygraph reference for the ONNX check, before to_static converts the layer
        ref = layer(paddle.to_tensor(probe))
        ref = [r.numpy() for r in ([ref] if isinstance(ref, paddle.Tensor) else ref)]
    spec = [paddle.static.InputSpec([None, 3, size, size], 'float32', name='image')]
    static = paddle.jit.to_static(layer, input_spec=spec, full_graph=True)
    save_dir = os.path.abspath(save_dir).rstrip('/')
    clean_own_debris(save_dir)
    work = f'{save_dir}-export.tmp-{os.getpid()}'
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        paddle.jit.save(static, os.path.join(work, 'model'))
        if onnx:
            check_onnx(to_onnx(work), probe, ref, with_decode)
        files: Dict[str, object] = {}
        for name in sorted(os.listdir(work)):
            with open(os.path.join(work, name), 'rb') as f:
                files[name] = f.read()
        files[CONFIG_NAME] = to_dict(cfg)
        save_dir_atomic(save_dir, files)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f'Model is saved in {save_dir}.')
    if onnx:
        print(f'ONNX model is saved in {os.path.join(save_dir, "model.onnx")}.')
    return save_dir


def to_onnx(save_dir: str, opset: int = 11) -> str:
    """paddle2onnx on the exported files -> <save_dir>/model.onnx."""
    import contextlib
    import io

    import paddle2onnx
    out = os.path.join(save_dir, 'model.onnx')
    with contextlib.redirect_stdout(io.StringIO()):  # paddle2onnx prints its progress
        paddle2onnx.export(model_file(save_dir), os.path.join(save_dir, 'model.pdiparams'), out, opset_version=opset)
    return out


def check_onnx(path: str, probe: np.ndarray, ref, with_decode: bool) -> None:
    """ONNX Runtime on the probe input vs the dygraph outputs `ref` (raises when they disagree)."""
    import onnxruntime as ort
    opts = ort.SessionOptions()
    opts.log_severity_level = 3  # no 'Removing initializer' warnings on paddle2onnx's unused constants
    sess = ort.InferenceSession(path, opts, providers=['CPUExecutionProvider'])
    got = sess.run(None, {sess.get_inputs()[0].name: probe})
    if with_decode:
        # argmax picks can flip on float near-ties (frequent with untrained weights): count agreeing keypoints
        agree = float((np.abs(got[0] - ref[0]).max(-1) < 1e-4).mean())
        print(f'ONNX Runtime vs Paddle: {agree:.1%} of the decoded keypoints agree')
        if agree < 0.9:
            raise RuntimeError(f'ONNX decode graph disagrees with Paddle on {1 - agree:.1%} of the keypoints')
        return
    diff = max(float(np.abs(g - r).max()) for g, r in zip(got, ref))
    scale = max(1.0, max(float(np.abs(r).max()) for r in ref))  # untrained nets reach 1e5
    print(f'ONNX Runtime vs Paddle max abs diff: {diff:.2e} (largest output {scale:.3g})')
    if diff > 1e-4 * scale:
        raise RuntimeError(f'ONNX export differs from Paddle by {diff}')
