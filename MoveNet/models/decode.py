"""movenetDecode: the four 48x48 maps -> 17 keypoints (x, y in [0,1] of the crop, or in input pixels, score).

One implementation in Paddle ops serves the dygraph model, the exported "network + decode" graph and the raw
outputs of an exported network (numpy in, numpy out via `decode_outputs`)."""
from typing import Sequence

import numpy as np
import paddle

MAP_SIZE = 48


@paddle.jit.not_to_static  # a numpy constant, folded into the exported graph
def center_weight(size: int = MAP_SIZE) -> np.ndarray:
    """lib/data/center_weight_origin.npy of the original: 1 / (distance to the map centre + 1.8)."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32)
    return (1.0 / (np.sqrt((xs - size // 2) ** 2 + (ys - size // 2) ** 2) + 1.8)).astype(np.float32)


def gather_cells(maps: paddle.Tensor, idx: paddle.Tensor) -> paddle.Tensor:
    """maps [B,C,H,W] at flat cell ids idx [B,1,K] (same cells for every channel) or [B,C,K] -> [B,C,K]."""
    return paddle.take_along_axis(maps.flatten(2), idx, axis=2, broadcast=True)


def movenet_decode(heatmaps: paddle.Tensor, centers: paddle.Tensor, regs: paddle.Tensor, offsets: paddle.Tensor,
                   hm_th: float = 0.1, scale: float = 1.0) -> paddle.Tensor:
    """Output mode of the original movenetDecode. Returns [B,J,3] = (x, y, score); x = y = -1 below hm_th.
    x, y are in [0, 1] of the crop times `scale`: 1 (the original's units) or the input size (input pixels, the
    units of the --with_decode export)."""
    size = heatmaps.shape[-1]
    num_joints = heatmaps.shape[1]
    # below the threshold -> 0 (a mask product: zeros_like/full_like warn while an export traces the graph)
    heatmaps = heatmaps * (heatmaps >= hm_th).astype(heatmaps.dtype)
    cw = paddle.to_tensor(center_weight(size))
    c = paddle.argmax((centers[:, 0] * cw).flatten(1), axis=1, keepdim=True)  # [B,1]
    cy, cx = (c // size).astype('float32'), (c % size).astype('float32')
    reg = gather_cells(regs, c.unsqueeze(1)).reshape([-1, num_joints, 2])  # regression vector at the centre, [B,J,2]
    # int(reg + 0.5) truncates toward zero as numpy's astype(int32) in the original (and as ONNX Cast)
    rx = (reg[:, :, 0] + 0.5).astype('int32').astype('float32') + cx
    ry = (reg[:, :, 1] + 0.5).astype('int32').astype('float32') + cy
    grid = paddle.arange(size, dtype='float32')
    dist = paddle.sqrt((grid.reshape([1, 1, 1, size]) - rx.unsqueeze([2, 3])) ** 2
                       + (grid.reshape([1, 1, size, 1]) - ry.unsqueeze([2, 3])) ** 2) + 1.8
    idx = paddle.argmax((heatmaps / dist).flatten(2), axis=2)  # [B,J]
    px, py = (idx % size).astype('float32'), (idx // size).astype('float32')
    score = gather_cells(heatmaps, idx.unsqueeze(2)).squeeze(2)
    cell = idx.unsqueeze(2)
    x = (px + gather_cells(offsets[:, 0::2], cell).squeeze(2)) / size  # offsets are (x, y) per joint
    y = (py + gather_cells(offsets[:, 1::2], cell).squeeze(2)) / size
    if scale != 1.0:
        x, y = x * scale, y * scale
    missing = score < hm_th
    x = paddle.where(missing, x * 0 - 1.0, x)
    y = paddle.where(missing, y * 0 - 1.0, y)
    return paddle.stack([x, y, score], axis=2)


def decode_outputs(outputs: Sequence, hm_th: float = 0.1) -> np.ndarray:
    """movenet_decode on numpy outputs (e.g. from Paddle Inference or ONNX Runtime) -> [B,J,3] numpy."""
    tensors = [o if isinstance(o, paddle.Tensor) else paddle.to_tensor(np.asarray(o, dtype=np.float32))
               for o in outputs]
    with paddle.no_grad():
        return movenet_decode(*tensors, hm_th=hm_th).numpy()


def decode_labels(labels: np.ndarray, kps_mask: np.ndarray, num_joints: int = 17) -> np.ndarray:
    """Label mode of movenetDecode on the [B,86,48,48] targets -> [B,J,2]; unlabelled joints are -1."""
    b, _, size, _ = labels.shape
    centers = labels[:, num_joints] * center_weight(size)
    c = centers.reshape(b, -1).argmax(1)
    cy, cx = c // size, c % size
    bi = np.arange(b)
    regs = labels[:, num_joints + 1:num_joints * 3 + 1][bi, :, cy, cx].reshape(b, num_joints, 2)
    px = np.clip((regs[:, :, 0] + 0.5).astype(np.int32) + cx[:, None], 0, size - 1)
    py = np.clip((regs[:, :, 1] + 0.5).astype(np.int32) + cy[:, None], 0, size - 1)
    offsets = labels[:, num_joints * 3 + 1:].reshape(b, num_joints, 2, size, size)
    ji = np.arange(num_joints)[None, :]
    off = offsets[bi[:, None], ji, :, py, px]  # [B,J,2]
    res = np.stack([(px + off[..., 0]) / size, (py + off[..., 1]) / size], axis=2)
    res[np.asarray(kps_mask) == 0] = -1
    return res
