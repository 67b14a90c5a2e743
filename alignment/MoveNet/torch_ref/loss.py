"""MovenetLoss of fire717/movenet.pytorch lib/loss/movenet_loss.py, re-written (our own code, same arithmetic).

forward(output, target, kps_mask) -> [heatmap, bone, center, regs, offset] as the official; lib/task/task.py
onTrainStep sums them: total = heatmap + center + regs + offset + bone."""
import torch

from .decode import center_weight_origin

FEATURE_MAP_SIZE = 192 // 4  # movenet_loss.py _feature_map_size
BONES = [[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [5, 6], [2, 4]]  # MovenetLoss.boneLoss _bone_idx (7-joint leftover)


class MovenetLoss(torch.nn.Module):
    def __init__(self, num_joints=17):
        super().__init__()
        self.num_joints = num_joints
        self.center_weight = torch.from_numpy(center_weight_origin())  # movenet_loss.py _center_weight_path

    @staticmethod
    def my_mse_with_weight(pre, target):
        # MovenetLoss.myMSEwithWeight: (pre - t)^2 * (8t + 1), summed, / batch / channels
        return torch.sum((pre - target) ** 2 * (target * 8 + 1)) / target.shape[0] / target.shape[1]

    @staticmethod
    def l1(pre, target, kps_mask):
        # MovenetLoss.l1: masked sum / (mask sum + 1e-4); kps_mask is float64 in the official pipeline
        # (np.ones in data_tools.py TensorDataset.__getitem__), which makes this term float64
        return torch.sum(torch.abs(pre - target) * kps_mask) / (kps_mask.sum() + 1e-4)

    @staticmethod
    def bone_loss(pred, target):
        # MovenetLoss.boneLoss: ONE Frobenius norm per bone over the whole [B,48,48] difference, / 7 / B
        loss = 0
        for a, b in BONES:
            diff = (pred[:, a] - pred[:, b]) - (target[:, a] - target[:, b])
            loss = loss + torch.pow(torch.sum(torch.pow(diff, 2)), 0.5)
        return loss / len(BONES) / pred.shape[0]

    def max_point(self, centers):
        # MovenetLoss.maxPointPth(center=True): GT centre map x centre weight, torch.max over the flat map
        w = self.center_weight.to(centers.dtype).reshape(1, 1, FEATURE_MAP_SIZE, FEATURE_MAP_SIZE)
        n = centers.shape[0]
        _, max_id = torch.max((centers * w).reshape(n, -1), 1)
        return max_id % FEATURE_MAP_SIZE, max_id // FEATURE_MAP_SIZE  # x, y

    def forward(self, output, target, kps_mask):
        j = self.num_joints
        batch = output[0].shape[0]
        heatmaps, centers = target[:, :j], target[:, j:j + 1]  # MovenetLoss.forward slicing [:17] [17:18]
        regs, offsets = target[:, j + 1:3 * j + 1], target[:, 3 * j + 1:]  # [18:52] [52:]
        heatmap_loss = self.my_mse_with_weight(output[0], heatmaps)
        bone = self.bone_loss(output[0], heatmaps)
        center_loss = self.my_mse_with_weight(output[1], centers)
        cx, cy = self.max_point(centers)
        cx = torch.clip(cx, 0, FEATURE_MAP_SIZE - 1).long()
        cy = torch.clip(cy, 0, FEATURE_MAP_SIZE - 1).long()
        bi = torch.arange(batch)
        regs_loss = 0
        for i in range(j):  # MovenetLoss.regsLoss: GT and prediction at the GT centre cell
            regs_loss = regs_loss + self.l1(regs[bi, 2 * i, cy, cx], output[2][bi, 2 * i, cy, cx], kps_mask[:, i])
            regs_loss = regs_loss + self.l1(regs[bi, 2 * i + 1, cy, cx], output[2][bi, 2 * i + 1, cy, cx],
                                            kps_mask[:, i])
        regs_loss = regs_loss / j
        offset_loss = 0
        for i in range(j):  # MovenetLoss.offsetLoss: at the GT keypoint cell = clip(long(reg_gt) + centre, 0, 47)
            gx = torch.clip(regs[bi, 2 * i, cy, cx].long() + cx, 0, FEATURE_MAP_SIZE - 1)
            gy = torch.clip(regs[bi, 2 * i + 1, cy, cx].long() + cy, 0, FEATURE_MAP_SIZE - 1)
            offset_loss = offset_loss + self.l1(offsets[bi, 2 * i, gy, gx], output[3][bi, 2 * i, gy, gx],
                                                kps_mask[:, i])
            offset_loss = offset_loss + self.l1(offsets[bi, 2 * i + 1, gy, gx], output[3][bi, 2 * i + 1, gy, gx],
                                                kps_mask[:, i])
        offset_loss = offset_loss / j
        return [heatmap_loss, bone, center_loss, regs_loss, offset_loss]


def total_loss(output, target, kps_mask):
    """lib/task/task.py Task.onTrainStep: heatmap + center + regs + offset + bone."""
    hm, bone, ctr, regs, off = MovenetLoss()(output, target, kps_mask)
    return hm + ctr + regs + off + bone
