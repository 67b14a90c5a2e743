"""movenet.pytorch's loss, movenetDecode and myAcc re-written in torch/numpy (our own code, same semantics)."""
import numpy as np
import torch


def center_weight(size=48):
    ys, xs = np.mgrid[0:size, 0:size]
    return 1.0 / (np.sqrt((xs - 24) ** 2 + (ys - 24) ** 2) + 1.8)


def _wmse(p, t):
    return torch.sum((p - t) ** 2 * (t * 8 + 1)) / t.shape[0] / t.shape[1]


def _l1(p, t, m):
    return torch.sum(torch.abs(p - t) * m) / (m.sum() + 1e-4)


def movenet_loss(out, target, kps_mask, j=17):
    hm, ctr = target[:, :j], target[:, j:j + 1]
    regs, offs = target[:, j + 1:3 * j + 1], target[:, 3 * j + 1:]
    b = out[0].shape[0]
    l_hm, l_ctr = _wmse(out[0], hm), _wmse(out[1], ctr)
    bone = 0
    for a, c in [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6], [2, 4]]:
        bone = bone + torch.sqrt(torch.sum(((out[0][:, a] - out[0][:, c]) - (hm[:, a] - hm[:, c])) ** 2))
    bone = bone / 7 / b
    w = torch.as_tensor(center_weight(), dtype=target.dtype)
    idx = torch.argmax((ctr[:, 0] * w).reshape(b, -1), 1)
    cy, cx = (idx // 48).clamp(0, 47), (idx % 48).clamp(0, 47)
    bi = torch.arange(b)
    l_reg, l_off = 0, 0
    for i in range(j):
        for a in (0, 1):
            l_reg = l_reg + _l1(out[2][bi, 2 * i + a, cy, cx], regs[bi, 2 * i + a, cy, cx], kps_mask[:, i])
        gx = (regs[bi, 2 * i, cy, cx].long() + cx).clamp(0, 47)
        gy = (regs[bi, 2 * i + 1, cy, cx].long() + cy).clamp(0, 47)
        for a in (0, 1):
            l_off = l_off + _l1(out[3][bi, 2 * i + a, gy, gx], offs[bi, 2 * i + a, gy, gx], kps_mask[:, i])
    return l_hm + l_ctr + l_reg / j + l_off / j + bone


def decode_output(hm, ctr, regs, offs, th=0.1):
    """numpy maps -> [B,17,3] (x, y, score)."""
    hm = hm.copy()
    hm[hm < th] = 0
    b = hm.shape[0]
    idx = (ctr[:, 0] * center_weight()).reshape(b, -1).argmax(1)
    cy, cx = idx // 48, idx % 48
    grid_x = np.tile(np.arange(48), (48, 1))
    res = np.zeros((b, hm.shape[1], 3))
    for n in range(b):
        for i in range(hm.shape[1]):
            rx = int(np.float32(regs[n, 2 * i, cy[n], cx[n]] + 0.5)) + cx[n]
            ry = int(np.float32(regs[n, 2 * i + 1, cy[n], cx[n]] + 0.5)) + cy[n]
            wmap = hm[n, i] / (np.sqrt((grid_x - rx) ** 2 + (grid_x.T - ry) ** 2) + 1.8)
            k = wmap.reshape(-1).argmax()
            py, px = min(max(k // 48, 0), 47), min(max(k % 48, 0), 47)
            s = hm[n, i, py, px]
            x, y = (px + offs[n, 2 * i, py, px]) / 48, (py + offs[n, 2 * i + 1, py, px]) / 48
            res[n, i] = [-1, -1, s] if s < th else [x, y, s]
    return res


def decode_label(labels, mask, j=17):
    b = labels.shape[0]
    idx = (labels[:, j] * center_weight()).reshape(b, -1).argmax(1)
    cy, cx = idx // 48, idx % 48
    res = np.zeros((b, j, 2))
    for n in range(b):
        for i in range(j):
            px = min(max(int(np.float32(labels[n, j + 1 + 2 * i, cy[n], cx[n]] + 0.5)) + cx[n], 0), 47)
            py = min(max(int(np.float32(labels[n, j + 2 + 2 * i, cy[n], cx[n]] + 0.5)) + cy[n], 0), 47)
            res[n, i] = [(px + labels[n, 3 * j + 1 + 2 * i, py, px]) / 48, (py + labels[n, 3 * j + 2 + 2 * i, py, px]) / 48]
            if mask[n, i] == 0:
                res[n, i] = -1
    return res


def my_acc(pred, gt, th=5 / 192):
    dist = (pred[..., 0] - gt[..., 0]) ** 2 + (pred[..., 1] - gt[..., 1]) ** 2
    return (dist < th).sum(0)
