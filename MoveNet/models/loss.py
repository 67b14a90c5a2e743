"""MovenetLoss of movenet.pytorch: weighted MSE on heatmaps and centre, masked L1 on regs and offsets at the
GT centre, and the 7-pair bone term on the heatmaps; all weights 1."""
from typing import Dict, List

import paddle
import paddle.nn as nn

from .decode import center_weight, gather_cells

BONES = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6], [2, 4]]  # a leftover of the 7-keypoint version


def weighted_mse(pred: paddle.Tensor, target: paddle.Tensor) -> paddle.Tensor:
    return ((pred - target) ** 2 * (target * 8 + 1)).sum() / target.shape[0] / target.shape[1]


def bone_loss(pred: paddle.Tensor, target: paddle.Tensor) -> paddle.Tensor:
    # one Frobenius norm per bone over the whole [B,48,48] difference, not per sample (as the original)
    loss = 0.0
    for a, b in BONES:
        diff = (pred[:, a] - pred[:, b]) - (target[:, a] - target[:, b])
        loss = loss + paddle.sqrt((diff ** 2).sum())
    return loss / len(BONES) / pred.shape[0]


def masked_l1(pred: paddle.Tensor, target: paddle.Tensor, mask: paddle.Tensor) -> paddle.Tensor:
    return ((pred - target).abs() * mask).sum() / (mask.sum() + 1e-4)


def _pick(maps: paddle.Tensor, y: paddle.Tensor, x: paddle.Tensor) -> paddle.Tensor:
    """maps [B,C,H,W] at per-sample (and per-channel) cells y, x of shape [B,1] or [B,C] -> [B,C]."""
    return gather_cells(maps, (y * maps.shape[3] + x).unsqueeze(2)).squeeze(2)


class MovenetLoss(nn.Layer):
    def __init__(self, num_joints: int = 17, use_bone: bool = True):
        super().__init__()
        self.num_joints = num_joints
        self.use_bone = use_bone
        self.register_buffer('center_weight', paddle.to_tensor(center_weight()), persistable=False)

    def forward(self, outputs: List[paddle.Tensor], labels: paddle.Tensor, kps_mask: paddle.Tensor
                ) -> Dict[str, paddle.Tensor]:
        j = self.num_joints
        size = labels.shape[-1]
        gt_hm, gt_center = labels[:, :j], labels[:, j:j + 1]
        gt_regs, gt_off = labels[:, j + 1:3 * j + 1], labels[:, 3 * j + 1:]
        pred_hm, pred_center, pred_regs, pred_off = outputs
        # the centre cell comes from the GT centre map, weighted towards the image centre
        c = paddle.argmax((gt_center[:, 0] * self.center_weight.astype(labels.dtype)).flatten(1), axis=1, keepdim=True)
        cy, cx = c // size, c % size
        mask = kps_mask.astype(labels.dtype)
        reg_gt, reg_pred = _pick(gt_regs, cy, cx), _pick(pred_regs, cy, cx)  # [B,2J]
        mask2 = paddle.repeat_interleave(mask, 2, axis=1)
        # offsets are read at the GT keypoint cell = clip(int(reg_gt) + centre)
        cells_x = paddle.clip(reg_gt[:, 0::2].astype('int64') + cx, 0, size - 1)
        cells_y = paddle.clip(reg_gt[:, 1::2].astype('int64') + cy, 0, size - 1)
        cells_x, cells_y = paddle.repeat_interleave(cells_x, 2, 1), paddle.repeat_interleave(cells_y, 2, 1)
        off_gt, off_pred = _pick(gt_off, cells_y, cells_x), _pick(pred_off, cells_y, cells_x)
        regs_loss = sum(masked_l1(reg_pred[:, i], reg_gt[:, i], mask2[:, i]) for i in range(2 * j)) / j
        off_loss = sum(masked_l1(off_pred[:, i], off_gt[:, i], mask2[:, i]) for i in range(2 * j)) / j
        losses = {'heatmap': weighted_mse(pred_hm, gt_hm), 'center': weighted_mse(pred_center, gt_center),
                  'regs': regs_loss, 'offsets': off_loss}
        losses['bone'] = bone_loss(pred_hm, gt_hm) if self.use_bone else paddle.zeros([])
        losses['loss'] = losses['heatmap'] + losses['center'] + losses['regs'] + losses['offsets'] + losses['bone']
        return losses
