"""movenetDecode (lib/task/task_tools.py), maxPoint (lib/utils/utils.py) and myAcc (lib/utils/metrics.py) of
fire717/movenet.pytorch, re-written in numpy (our own code, same arithmetic and dtypes)."""
import numpy as np

SIZE = 48
RANGE_X = np.array([[x for x in range(SIZE)] for _ in range(SIZE)])  # task_tools.py _range_weight_x (int64)
RANGE_Y = RANGE_X.T


def center_weight_origin(size=SIZE):
    """lib/data/center_weight_origin.npy (float32 [48,48,1], read by utils.py and movenet_loss.py):
    1 / (distance to cell (24, 24) + 1.8). Computed here in float64 and rounded to float32; the official table
    differs from it by at most 3e-8 (2 ulp) in 1587 of the 2304 cells, too little to reorder two cells at different
    distances (their weights differ by >= 5.8e-4 relative), so an argmax on a GT centre map cannot change."""
    ys, xs = np.mgrid[0:size, 0:size]
    return (1.0 / (np.sqrt((xs - size // 2) ** 2 + (ys - size // 2) ** 2) + 1.8)).astype(np.float32)


def max_point(heatmap, center=True):
    """utils.py maxPoint: [N,C,H,W] (x centre weight when center) -> x, y of the flat argmax, each [N,C]."""
    n, c, h, w = heatmap.shape
    if center:
        heatmap = heatmap * center_weight_origin()  # float32 x float32 table (utils.py _center_weight)
    max_id = np.argmax(heatmap.reshape(n, c, -1), 2)
    return max_id % w, max_id // w


def decode_output(heatmaps, centers, regs, offsets, hm_th=0.1, num_joints=17, img_size=192):
    """movenetDecode(mode='output') -> [N, 34] = x0, y0, x1, y1, ... (normalised; -1 below hm_th)."""
    heatmaps = heatmaps.copy()
    heatmaps[heatmaps < hm_th] = 0
    cx, cy = max_point(centers)  # [N,1]
    b = heatmaps.shape[0]
    dim0 = np.arange(b, dtype=np.int32).reshape(b, 1)
    dim1 = np.zeros((b, 1), dtype=np.int32)
    res = []
    for n in range(num_joints):
        # (reg + 0.5).astype(int32): float32 sum, truncation toward zero
        reg_x = (regs[dim0, dim1 + n * 2, cy, cx] + 0.5).astype(np.int32) + cx
        reg_y = (regs[dim0, dim1 + n * 2 + 1, cy, cx] + 0.5).astype(np.int32) + cy
        reg_x = reg_x.reshape(b, 1, 1).repeat(SIZE, 1).repeat(SIZE, 2)
        reg_y = reg_y.reshape(b, 1, 1).repeat(SIZE, 1).repeat(SIZE, 2)
        # heatmap / (distance to the regressed cell + 1.8), in float64 (integer grid ** 0.5)
        dist = ((RANGE_X[None] - reg_x) ** 2 + (RANGE_Y[None] - reg_y) ** 2) ** 0.5 + 1.8
        weighted = (heatmaps[:, n] / dist)[:, np.newaxis]
        px, py = max_point(weighted, center=False)
        px, py = np.clip(px, 0, SIZE - 1), np.clip(py, 0, SIZE - 1)
        score = heatmaps[dim0, dim1 + n, py, px]
        res_x = (px + offsets[dim0, dim1 + n * 2, py, px]) / (img_size // 4)
        res_y = (py + offsets[dim0, dim1 + n * 2 + 1, py, px]) / (img_size // 4)
        res_x[score < hm_th] = -1
        res_y[score < hm_th] = -1
        res.extend([res_x, res_y])
    return np.concatenate(res, axis=1)


def decode_output_scores(heatmaps, centers, regs, hm_th=0.1, num_joints=17):
    """The per-joint score of decode_output (movenetDecode computes it but returns only x, y): [N, 17]."""
    heatmaps = heatmaps.copy()
    heatmaps[heatmaps < hm_th] = 0
    cx, cy = max_point(centers)
    b = heatmaps.shape[0]
    out = np.zeros((b, num_joints))
    for n in range(num_joints):
        rx = (regs[np.arange(b)[:, None], n * 2, cy, cx] + 0.5).astype(np.int32) + cx
        ry = (regs[np.arange(b)[:, None], n * 2 + 1, cy, cx] + 0.5).astype(np.int32) + cy
        dist = ((RANGE_X[None] - rx[:, :, None]) ** 2 + (RANGE_Y[None] - ry[:, :, None]) ** 2) ** 0.5 + 1.8
        px, py = max_point((heatmaps[:, n] / dist)[:, None], center=False)
        out[:, n] = heatmaps[np.arange(b), n, py[:, 0], px[:, 0]]
    return out


def decode_label(labels, kps_mask, num_joints=17, img_size=192):
    """movenetDecode(mode='label') on the [N,86,48,48] targets -> [N, 34]; joints with mask 0 -> -1."""
    centers = labels[:, 17:18]  # task_tools.py slices 17 / 18:52 / 52: literally
    regs, offsets = labels[:, 18:52], labels[:, 52:]
    cx, cy = max_point(centers)
    b = labels.shape[0]
    dim0 = np.arange(b, dtype=np.int32).reshape(b, 1)
    dim1 = np.zeros((b, 1), dtype=np.int32)
    res = []
    for n in range(num_joints):
        reg_x = np.clip((regs[dim0, dim1 + n * 2, cy, cx] + 0.5).astype(np.int32) + cx, 0, SIZE - 1)
        reg_y = np.clip((regs[dim0, dim1 + n * 2 + 1, cy, cx] + 0.5).astype(np.int32) + cy, 0, SIZE - 1)
        res_x = (reg_x + offsets[dim0, dim1 + n * 2, reg_y, reg_x]) / (img_size // 4)
        res_y = (reg_y + offsets[dim0, dim1 + n * 2 + 1, reg_y, reg_x]) / (img_size // 4)
        res_x[kps_mask[:, n] == 0] = -1
        res_y[kps_mask[:, n] == 0] = -1
        res.extend([res_x, res_y])
    return np.concatenate(res, axis=1)


def my_acc(output, target, th=5 / 192):
    """metrics.py myAcc = getAccRight(getDist(...)): per joint, the count of squared normalised distances < th."""
    pre, lab = output.reshape(-1, 17, 2), target.reshape(-1, 17, 2)
    dist = np.power(pre[:, :, 0] - lab[:, :, 0], 2) + np.power(pre[:, :, 1] - lab[:, :, 1], 2)
    return np.array([np.sum(dist[:, i] < th) for i in range(dist.shape[1])], dtype=np.int64)
