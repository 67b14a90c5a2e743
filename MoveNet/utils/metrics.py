"""The original's `acc` (per-joint squared normalised distance below th/192) and COCO OKS AP via pycocotools."""
import contextlib
import io
from typing import Dict

import numpy as np

COCO_SIGMAS = np.array([.26, .25, .25, .35, .35, .79, .79, .72, .72, .62, .62, 1.07, 1.07, .87, .87, .89, .89]) / 10.0


def joint_correct(pred: np.ndarray, gt: np.ndarray, th: float = 5 / 192) -> np.ndarray:
    """pred, gt [B,J,2] normalised (missing = -1) -> [J] correct counts. Squared distance, as myAcc: a missing GT
    counts as correct only when the prediction is missing too."""
    dist = ((pred[..., :2] - gt[..., :2]) ** 2).sum(-1)
    return (dist < th).sum(0)


def oks_ap(pred: np.ndarray, gt_kps: np.ndarray, areas: np.ndarray, img_size: int = 192) -> Dict[str, float]:
    """COCO keypoint AP on the crops: pred [N,J,3] (x, y normalised, score), gt_kps [N,J,3] (x, y normalised, v),
    areas [N] of the GT box in crop pixels. One person per crop; detection score = mean keypoint score."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval
    images, anns, dets = [], [], []
    for i in range(len(gt_kps)):
        images.append({'id': i, 'width': img_size, 'height': img_size})
        kps = gt_kps[i].astype(np.float64).copy()
        kps[:, :2] *= img_size
        kps[kps[:, 2] == 0] = 0
        ys, xs = kps[kps[:, 2] > 0, 1], kps[kps[:, 2] > 0, 0]
        bbox = [float(xs.min()), float(ys.min()), float(np.ptp(xs)), float(np.ptp(ys))] if len(xs) else [0, 0, 0, 0]
        anns.append({'id': i + 1, 'image_id': i, 'category_id': 1, 'iscrowd': 0, 'area': float(areas[i]),
                     'bbox': bbox, 'keypoints': kps.reshape(-1).tolist(), 'num_keypoints': int((kps[:, 2] > 0).sum())})
        p = pred[i].astype(np.float64).copy()
        found = p[:, 0] >= 0
        p[:, :2] = np.where(found[:, None], p[:, :2] * img_size, 0)
        dets.append({'image_id': i, 'category_id': 1, 'score': float(p[:, 2].mean()),
                     'keypoints': np.concatenate([p[:, :2], np.ones((len(p), 1))], 1).reshape(-1).tolist()})
    gt = COCO()
    gt.dataset = {'images': images, 'annotations': anns, 'categories': [{'id': 1, 'name': 'person'}]}
    with contextlib.redirect_stdout(io.StringIO()):
        gt.createIndex()
        dt = gt.loadRes(dets) if dets else COCO()
        ev = COCOeval(gt, dt, 'keypoints')
        ev.params.kpt_oks_sigmas = COCO_SIGMAS
        ev.evaluate()
        ev.accumulate()
        ev.summarize()
    return {'AP': float(max(ev.stats[0], 0.0)), 'AP50': float(max(ev.stats[1], 0.0)), 'AR': float(max(ev.stats[5], 0.0))}


class KeypointMetric:
    """Accumulates decoded predictions and labels over an evaluation pass."""

    def __init__(self, num_joints: int = 17, th: float = 5 / 192):
        self.num_joints, self.th = num_joints, th
        self.correct = np.zeros(num_joints, dtype=np.int64)
        self.count = 0
        self.preds, self.gts, self.areas = [], [], []

    def update(self, pred: np.ndarray, label_kps: np.ndarray, gt_kps: np.ndarray, areas: np.ndarray) -> None:
        """pred [B,J,3] decoded output; label_kps [B,J,2] decoded labels; gt_kps [B,J,3] json keypoints."""
        self.correct += joint_correct(pred, label_kps, self.th)
        self.count += len(pred)
        self.preds.append(pred)
        self.gts.append(gt_kps)
        self.areas.append(areas)

    def accumulate(self) -> Dict[str, float]:
        per_joint = self.correct / max(self.count, 1)
        res = {'acc': float(per_joint.mean()), 'per_joint_acc': [round(float(a), 6) for a in per_joint]}
        res.update(oks_ap(np.concatenate(self.preds), np.concatenate(self.gts), np.concatenate(self.areas)))
        return res
