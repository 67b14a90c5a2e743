import math

import numpy as np
import paddle

from models.loss import MovenetLoss, bone_loss, masked_l1, weighted_mse
from utils.metrics import joint_correct, oks_ap


def test_weighted_mse_by_hand():
    """movenet_loss.py MovenetLoss.myMSEwithWeight: sum((p - t)^2 (8t + 1)) / B / C."""
    target = paddle.zeros([2, 1, 4, 4])
    target[0, 0, 1, 1] = 1.0
    pred = paddle.full([2, 1, 4, 4], 0.5)
    # 31 background cells * 0.25 * 1 + 1 peak * 0.25 * 9 = 10.0, / B(2) / C(1)
    assert math.isclose(float(weighted_mse(pred, target)), 5.0)


def test_bone_loss_is_one_norm_over_the_batch():
    """movenet_loss.py MovenetLoss.boneLoss: one Frobenius norm per bone over [B,48,48], / 7 / B."""
    pred = paddle.zeros([2, 7, 2, 2])
    target = paddle.zeros([2, 7, 2, 2])
    pred[:, 0] = 1.0  # bone (0,1) differs by 1 on 8 cells: sqrt(8); every other bone 0
    assert math.isclose(float(bone_loss(pred, target)), math.sqrt(8) / 7 / 2, rel_tol=1e-6)


def test_masked_l1():
    """movenet_loss.py MovenetLoss.l1: sum(|p - t| mask) / (sum(mask) + 1e-4)."""
    got = masked_l1(paddle.to_tensor([1.0, 5.0]), paddle.to_tensor([0.0, 0.0]), paddle.to_tensor([1.0, 0.0]))
    assert math.isclose(float(got), 1 / 1.0001, rel_tol=1e-6)


def test_movenet_loss_zero_on_perfect_prediction_and_bone_switch():
    from datasets.label_maps import build_label_maps
    kps = np.concatenate([np.random.default_rng(0).uniform(0.3, 0.7, (17, 2)), np.full((17, 1), 2.0)], 1)
    labels, mask = build_label_maps(kps.reshape(-1).tolist(), [0.5, 0.5], [], [])
    labels, mask = paddle.to_tensor(labels[None]), paddle.to_tensor(mask[None])
    outs = [labels[:, :17], labels[:, 17:18], labels[:, 18:52], labels[:, 52:]]
    assert float(MovenetLoss()(outs, labels, mask)['loss']) < 1e-6
    outs[2] = outs[2] + 1.0  # every reg off by 1 at the centre: regs loss = 34 * 1 / 17 = 2 (mask sum 1 + 1e-4)
    res = MovenetLoss(use_bone=False)(outs, labels, mask)
    assert math.isclose(float(res['regs']), 2 / 1.0001, rel_tol=1e-5) and float(res['bone']) == 0.0


def test_acc_squared_distance_and_missing_joints():
    """metrics.py myAcc (getDist, getAccRight): squared normalised distance < 5/192; -1 vs -1 counts as correct."""
    gt = np.array([[[0.5, 0.5], [-1, -1], [-1, -1], [0.2, 0.2]]])
    pred = np.array([[[0.5 + 0.16, 0.5], [-1, -1], [0.3, 0.3], [0.2, 0.2 + 0.17]]])
    # 0.16^2 = 0.0256 < 5/192 = 0.02604 correct; missing/missing correct; missing GT but predicted wrong; 0.17^2 wrong
    assert joint_correct(pred, gt).tolist() == [1, 1, 0, 0]


def test_oks_ap_perfect_and_wrong():
    rng = np.random.default_rng(0)
    gt = np.concatenate([rng.uniform(0.2, 0.8, (5, 17, 2)), np.full((5, 17, 1), 2.0)], 2).astype(np.float32)
    areas = np.full(5, 0.3 * 192 ** 2, np.float32)
    perfect = np.concatenate([gt[..., :2], np.full((5, 17, 1), 0.9)], 2)
    assert oks_ap(perfect, gt, areas)['AP'] > 0.99
    wrong = perfect.copy()
    wrong[..., :2] = 1 - wrong[..., :2]
    assert oks_ap(wrong, gt, areas)['AP'] < 0.1
