"""Our own re-implementation of the mmaction2 0.x PoseC3D data pipeline (numpy), written step by step from
  mmaction/datasets/pipelines/pose_loading.py   UniformSampleFrames, PoseDecode, GeneratePoseTarget
  mmaction/datasets/pipelines/augmentations.py  PoseCompact, Resize, RandomResizedCrop, CenterCrop, Flip
  mmaction/datasets/pipelines/formatting.py     FormatShape('NCTHW')
  configs/skeleton/posec3d/*.py                 train_pipeline / test_pipeline
(branch 0.x, commit 71a938ab). It keeps the official structure on purpose: `results` dicts, per-frame /
per-keypoint / per-person loops, the same RNG calls in the same order (global numpy + python `random`), and
[T, H, W, C] heatmaps until FormatShape; it shares no code with PaddlePoseC3D/datasets/transforms.py.

numpy version: the official code leans on numpy's type promotion. Run on numpy >= 2 (NEP 50) a float32 scalar
times a Python float stays float32 and a float32 array minus a float64 scalar becomes float64; numpy 1.x did the
opposite in both places (mmaction2 0.x predates numpy 2 and even uses np.Inf, removed in 2.0). Where that matters
we write the dtypes out, as the official code computes them on numpy >= 2 (what it gives when run here); the
comments say what numpy 1.x would change. Integer decisions (window bounds, crop boxes) agree between the two.
"""
from __future__ import annotations

import copy
import random

import numpy as np

F32 = np.float32


def load_pose_pkl(path, split):
    """mmaction/datasets/pose_dataset.py PoseDataset.load_pkl_annotations with `split`: the annotations whose
    frame_dir (or filename) is listed in data['split'][split], in file order; data_prefix '' leaves the names
    as they are. PoseDataset passes start_index=0 and modality 'Pose' (BaseDataset.prepare_*_frames)."""
    import pickle
    with open(path, "rb") as f:
        data = pickle.load(f)
    names, anns = data["split"][split], data["annotations"]
    key = "filename" if "filename" in anns[0] else "frame_dir"
    return [dict(a, start_index=0, modality="Pose") for a in anns if a[key] in names]


class Compose:
    def __init__(self, steps):
        self.steps = list(steps)

    def __call__(self, results):
        for step in self.steps:
            results = step(results)
        return results


class UniformSampleFrames:
    """pose_loading.py UniformSampleFrames: split the video into clip_len segments, one frame from each."""

    def __init__(self, clip_len, num_clips=1, test_mode=False, seed=255):
        self.clip_len, self.num_clips, self.test_mode, self.seed = clip_len, num_clips, test_mode, seed

    def _get_train_clips(self, num_frames, clip_len):
        assert self.num_clips == 1  # as the official
        if num_frames < clip_len:  # a random start, looped later by np.mod
            start = np.random.randint(0, num_frames)
            return np.arange(start, start + clip_len)
        if num_frames < 2 * clip_len:  # choose which of the clip_len + 1 gaps get one extra frame
            chosen = np.random.choice(clip_len + 1, num_frames - clip_len, replace=False)
            gaps = np.zeros(clip_len + 1, dtype=np.int64)
            gaps[chosen] = 1
            return np.arange(clip_len) + np.cumsum(gaps)[:-1]
        bounds = np.array([i * num_frames // clip_len for i in range(clip_len + 1)])
        return bounds[:clip_len] + np.random.randint(np.diff(bounds))  # one draw per segment

    def _get_test_clips(self, num_frames, clip_len):
        np.random.seed(self.seed)  # the official reseeds the GLOBAL generator for every test sample
        if num_frames < clip_len:
            starts = list(range(self.num_clips)) if num_frames < self.num_clips else \
                [i * num_frames // self.num_clips for i in range(self.num_clips)]
            return np.concatenate([np.arange(s, s + clip_len) for s in starts])
        clips = []
        if num_frames < 2 * clip_len:
            for _ in range(self.num_clips):
                chosen = np.random.choice(clip_len + 1, num_frames - clip_len, replace=False)
                gaps = np.zeros(clip_len + 1, dtype=np.int64)
                gaps[chosen] = 1
                clips.append(np.arange(clip_len) + np.cumsum(gaps)[:-1])
        else:
            bounds = np.array([i * num_frames // clip_len for i in range(clip_len + 1)])
            for _ in range(self.num_clips):
                clips.append(bounds[:clip_len] + np.random.randint(np.diff(bounds)))
        return np.concatenate(clips)

    def __call__(self, results):
        n = results["total_frames"]
        inds = self._get_test_clips(n, self.clip_len) if self.test_mode else self._get_train_clips(n, self.clip_len)
        inds = np.mod(inds, n) + results["start_index"]
        results["frame_inds"] = inds.astype(np.int64)
        results["clip_len"], results["frame_interval"], results["num_clips"] = self.clip_len, None, self.num_clips
        return results


class PoseDecode:
    """pose_loading.py PoseDecode: gather the sampled frames (axis 1) of keypoints and scores, as float32."""

    def __call__(self, results):
        inds = results["frame_inds"] + results.get("offset", 0)
        results["keypoint_score"] = results["keypoint_score"][:, inds].astype(np.float32)
        results["keypoint"] = results["keypoint"][:, inds].astype(np.float32)
        return results


class PoseCompact:
    """augmentations.py PoseCompact(padding=0.25, threshold=10, hw_ratio=1., allow_imgpad=True)."""

    def __init__(self, padding=0.25, threshold=10, hw_ratio=1.0):
        self.padding, self.threshold = padding, threshold
        self.hw_ratio = (hw_ratio, hw_ratio)  # torch _pair(1.)

    def __call__(self, results):
        kp = results["keypoint"]
        kp[np.isnan(kp)] = 0.0
        kx, ky = kp[..., 0], kp[..., 1]  # views: the in-place updates below reach results['keypoint']
        # np.min/np.max of the float32 array: float32 scalars; the box arithmetic stays float32 on numpy >= 2
        # (numpy 1.x: float32 scalar with a Python number -> float64); written out with F32 constants
        min_x, max_x = np.min(kx[kx != 0], initial=np.inf), np.max(kx[kx != 0], initial=-np.inf)
        min_y, max_y = np.min(ky[ky != 0], initial=np.inf), np.max(ky[ky != 0], initial=-np.inf)
        if max_x - min_x < self.threshold or max_y - min_y < self.threshold:
            return results  # "The compact area is too small"
        center = ((max_x + min_x) / F32(2), (max_y + min_y) / F32(2))
        half_width = (max_x - min_x) / F32(2) * F32(1 + self.padding)
        half_height = (max_y - min_y) / F32(2) * F32(1 + self.padding)
        half_height = max(F32(self.hw_ratio[0]) * half_width, half_height)
        half_width = max(F32(1 / self.hw_ratio[1]) * half_height, half_width)
        # allow_imgpad=True: the box may leave the image; corners truncated by int()
        min_x, max_x = int(center[0] - half_width), int(center[0] + half_width)
        min_y, max_y = int(center[1] - half_height), int(center[1] + half_height)
        kx[kx != 0] -= min_x  # in place: the keypoints stay float32
        ky[ky != 0] -= min_y
        results["img_shape"] = (max_y - min_y, max_x - min_x)
        return results


def rescale_size(old_size, scale):
    """mmcv 1.x image/geometric.py rescale_size with a tuple scale: the largest factor that keeps (w, h) within
    (max edge, min edge), then _scale_size: int(x * factor + 0.5)."""
    w, h = old_size
    factor = min(max(scale) / max(h, w), min(scale) / min(h, w))
    return int(w * float(factor) + 0.5), int(h * float(factor) + 0.5)


class Resize:
    """augmentations.py Resize: scale (-1, s) with keep_ratio -> (inf, s) through mmcv.rescale_size; keep_ratio
    False -> (w, h). Keypoints times np.array([sx, sy], float32) (_resize_kps)."""

    def __init__(self, scale, keep_ratio=True):
        if min(scale) == -1:
            scale = (np.inf, max(scale))
        self.scale, self.keep_ratio = scale, keep_ratio

    def __call__(self, results):
        img_h, img_w = results["img_shape"]
        new_w, new_h = rescale_size((img_w, img_h), self.scale) if self.keep_ratio else self.scale
        factor = np.array([new_w / img_w, new_h / img_h], dtype=np.float32)
        results["img_shape"] = (new_h, new_w)
        results["keypoint"] = results["keypoint"] * factor  # float32 stays float32, float64 stays float64
        return results


def _crop_kps(kps, crop_bbox):
    """augmentations.py RandomCrop._crop_kps: kps - crop_bbox[:2]; crop_bbox is np.array of Python ints (int64),
    so float32 keypoints come out float64 (array-array promotion, the same on every numpy)."""
    return kps - crop_bbox[:2]


class RandomResizedCrop:
    """augmentations.py RandomResizedCrop(area_range=(0.56, 1.0)), get_crop_bbox with max_attempts 10."""

    def __init__(self, area_range=(0.56, 1.0), aspect_ratio_range=(3 / 4, 4 / 3)):
        self.area_range, self.aspect_ratio_range = area_range, aspect_ratio_range

    def get_crop_bbox(self, img_shape, max_attempts=10):
        img_h, img_w = img_shape
        area = img_h * img_w
        lo, hi = self.aspect_ratio_range
        ratios = np.exp(np.random.uniform(np.log(lo), np.log(hi), size=max_attempts))  # first all ratios
        areas = np.random.uniform(*self.area_range, size=max_attempts) * area  # then all areas
        ws = np.round(np.sqrt(areas * ratios)).astype(np.int32)  # np.round: halves to even
        hs = np.round(np.sqrt(areas / ratios)).astype(np.int32)
        for i in range(max_attempts):
            if hs[i] <= img_h and ws[i] <= img_w:
                x = random.randint(0, img_w - ws[i])  # python random, both ends inclusive
                y = random.randint(0, img_h - hs[i])
                return x, y, x + ws[i], y + hs[i]
        side = min(img_h, img_w)  # fallback: the central square
        x, y = (img_w - side) // 2, (img_h - side) // 2
        return x, y, x + side, y + side

    def __call__(self, results):
        left, top, right, bottom = self.get_crop_bbox(results["img_shape"])
        box = np.array([left, top, right, bottom])
        results["img_shape"] = (bottom - top, right - left)
        results["keypoint"] = _crop_kps(results["keypoint"], box)
        return results


class CenterCrop:
    """augmentations.py CenterCrop(crop_size): left = (w - cw) // 2, top = (h - ch) // 2."""

    def __init__(self, crop_size):
        self.crop_w, self.crop_h = (crop_size, crop_size) if isinstance(crop_size, int) else crop_size

    def __call__(self, results):
        img_h, img_w = results["img_shape"]
        left, top = (img_w - self.crop_w) // 2, (img_h - self.crop_h) // 2
        box = np.array([left, top, left + self.crop_w, top + self.crop_h])
        results["img_shape"] = (self.crop_h, self.crop_w)
        results["keypoint"] = _crop_kps(results["keypoint"], box)
        return results


class Flip:
    """augmentations.py Flip(flip_ratio, left_kp, right_kp), horizontal, keypoints only."""

    def __init__(self, flip_ratio=0.5, left_kp=None, right_kp=None):
        self.flip_ratio, self.left_kp, self.right_kp = flip_ratio, left_kp, right_kp

    def _flip_kps(self, kps, kpscores, img_width):
        kp_x = kps[..., 0]
        kp_x[kp_x != 0] = img_width - kp_x[kp_x != 0]  # W - x, not W - 1 - x; zeros (missing) stay
        order = list(range(kps.shape[2]))
        if self.left_kp is not None and self.right_kp is not None:
            for left, right in zip(self.left_kp, self.right_kp):
                order[left], order[right] = right, left
        return kps[:, :, order], (kpscores[:, :, order] if kpscores is not None else None)

    def __call__(self, results):
        flip = np.random.rand() < self.flip_ratio  # drawn even when flip_ratio is 1 (the test-time double)
        results["flip"] = flip
        if flip:
            results["keypoint"], score = self._flip_kps(results["keypoint"], results.get("keypoint_score"),
                                                        results["img_shape"][1])
            if "keypoint_score" in results:
                results["keypoint_score"] = score
        return results


class GeneratePoseTarget:
    """pose_loading.py GeneratePoseTarget: per frame, one float32 [H, W] map per keypoint (with_kp) and per limb of
    `skeletons` (with_limb), stacked on the last axis; double=True appends the maps of a deep copy flipped by
    Flip(flip_ratio=1, left_kp, right_kp)."""

    def __init__(self, sigma=0.6, use_score=True, with_kp=True, with_limb=False,
                 skeletons=((0, 1), (0, 2), (1, 3), (2, 4), (0, 5), (5, 7), (7, 9), (0, 6), (6, 8), (8, 10),
                            (5, 11), (11, 13), (13, 15), (6, 12), (12, 14), (14, 16), (11, 12)),
                 double=False, left_kp=(1, 3, 5, 7, 9, 11, 13, 15), right_kp=(2, 4, 6, 8, 10, 12, 14, 16)):
        assert with_kp or with_limb
        self.sigma, self.use_score, self.with_kp, self.with_limb = sigma, use_score, with_kp, with_limb
        self.skeletons, self.double, self.left_kp, self.right_kp = skeletons, double, left_kp, right_kp
        self.eps = 1e-4

    def generate_a_heatmap(self, img_h, img_w, centers, sigma, max_values):
        heatmap = np.zeros([img_h, img_w], dtype=np.float32)
        for center, max_value in zip(centers, max_values):
            mu_x, mu_y = center[0], center[1]  # float64 after the crop
            if max_value < self.eps:
                continue
            st_x, ed_x = max(int(mu_x - 3 * sigma), 0), min(int(mu_x + 3 * sigma) + 1, img_w)
            st_y, ed_y = max(int(mu_y - 3 * sigma), 0), min(int(mu_y + 3 * sigma) + 1, img_h)
            # official: np.arange(..., np.float32); minus the float64 centre this is float64 arithmetic on
            # numpy >= 2, pinned here (numpy 1.x rounds the centre to float32 first: up to 2e-6 different)
            x = np.arange(st_x, ed_x, 1, np.float64)
            y = np.arange(st_y, ed_y, 1, np.float64)
            if not (len(x) and len(y)):  # the keypoint is outside the map
                continue
            y = y[:, None]
            patch = np.exp(-((x - mu_x) ** 2 + (y - mu_y) ** 2) / 2 / sigma ** 2) * np.float64(max_value)
            heatmap[st_y:ed_y, st_x:ed_x] = np.maximum(heatmap[st_y:ed_y, st_x:ed_x], patch)  # stored float32
        return heatmap

    def generate_a_limb_heatmap(self, img_h, img_w, starts, ends, sigma, start_values, end_values):
        heatmap = np.zeros([img_h, img_w], dtype=np.float32)
        for start, end, start_value, end_value in zip(starts, ends, start_values, end_values):
            value_coeff = min(start_value, end_value)  # the weaker end
            if value_coeff < self.eps:
                continue
            min_x, max_x = min(start[0], end[0]), max(start[0], end[0])
            min_y, max_y = min(start[1], end[1]), max(start[1], end[1])
            min_x, max_x = max(int(min_x - 3 * sigma), 0), min(int(max_x + 3 * sigma) + 1, img_w)
            min_y, max_y = max(int(min_y - 3 * sigma), 0), min(int(max_y + 3 * sigma) + 1, img_h)
            x = np.arange(min_x, max_x, 1, np.float64)  # official float32 grid, float64 arithmetic (see above)
            y = np.arange(min_y, max_y, 1, np.float64)
            if not (len(x) and len(y)):
                continue
            y = y[:, None]
            d2_start = (x - start[0]) ** 2 + (y - start[1]) ** 2
            d2_end = (x - end[0]) ** 2 + (y - end[1]) ** 2
            d2_ab = (start[0] - end[0]) ** 2 + (start[1] - end[1]) ** 2
            if d2_ab < 1:  # a limb shorter than 1 px: the start keypoint's full map, with the start's score
                heatmap = np.maximum(heatmap, self.generate_a_heatmap(img_h, img_w, [start], sigma, [start_value]))
                continue
            coeff = (d2_start - d2_end + d2_ab) / 2. / d2_ab  # projection parameter along start -> end
            a_dom, b_dom = coeff <= 0, coeff >= 1
            seg_dom = 1 - a_dom - b_dom
            px = start[0] + coeff * (end[0] - start[0])  # the projection point, per pixel
            py = start[1] + coeff * (end[1] - start[1])
            d2_line = (x + np.zeros_like(y) - px) ** 2 + (y + np.zeros_like(x) - py) ** 2
            d2_seg = a_dom * d2_start + b_dom * d2_end + seg_dom * d2_line
            patch = np.exp(-d2_seg / 2. / sigma ** 2) * np.float64(value_coeff)
            heatmap[min_y:max_y, min_x:max_x] = np.maximum(heatmap[min_y:max_y, min_x:max_x], patch)
        return heatmap

    def generate_heatmap(self, img_h, img_w, kps, sigma, max_values):
        maps = []
        if self.with_kp:
            for i in range(kps.shape[1]):
                maps.append(self.generate_a_heatmap(img_h, img_w, kps[:, i], sigma, max_values[:, i]))
        if self.with_limb:
            for a, b in self.skeletons:  # channel order = skeletons order
                maps.append(self.generate_a_limb_heatmap(img_h, img_w, kps[:, a], kps[:, b], sigma,
                                                         max_values[:, a], max_values[:, b]))
        return np.stack(maps, axis=-1)  # [H, W, C]

    def gen_an_aug(self, results):
        kps = results["keypoint"]
        scores = results.get("keypoint_score", np.ones(kps.shape[:-1], dtype=np.float32))
        img_h, img_w = results["img_shape"]
        out = []
        for i in range(kps.shape[1]):  # frames
            values = scores[:, i] if self.use_score else np.ones(scores[:, i].shape, dtype=np.float32)
            out.append(self.generate_heatmap(img_h, img_w, kps[:, i], self.sigma, values))
        return out

    def __call__(self, results):
        if not self.double:
            results["imgs"] = np.stack(self.gen_an_aug(results))
        else:
            flipped = Flip(flip_ratio=1, left_kp=self.left_kp, right_kp=self.right_kp)(copy.deepcopy(results))
            results["imgs"] = np.concatenate([self.gen_an_aug(results), self.gen_an_aug(flipped)])
        return results


class FormatShape:
    """formatting.py FormatShape('NCTHW'): [crops*clips*T, H, W, C] -> [crops*clips, C, T, H, W]."""

    def __call__(self, results):
        imgs = results["imgs"]
        imgs = imgs.reshape((-1, results["num_clips"], results["clip_len"]) + imgs.shape[1:])
        imgs = np.transpose(imgs, (0, 1, 5, 2, 3, 4))
        results["imgs"] = imgs.reshape((-1,) + imgs.shape[2:])
        return results


def build_pipeline(mode, clip_len, num_clips, resize_short, train_size, test_size, with_kp=True, with_limb=False,
                   skeletons=None, left_kp=(1, 3, 5, 7, 9, 11, 13, 15), right_kp=(2, 4, 6, 8, 10, 12, 14, 16)):
    """train_pipeline / test_pipeline of configs/skeleton/posec3d/
    slowonly_kinetics400_pretrained_r50_u48_120e_ucf101_split1_keypoint.py (keypoints: 64 / 48 / 56) and
    slowonly_r50_u48_240e_ntu60_xsub_limb.py (limbs with their `skeletons`: 64 / 56 / 64), up to Collect."""
    target = dict(sigma=0.6, use_score=True, with_kp=with_kp, with_limb=with_limb)
    if skeletons is not None:
        target["skeletons"] = skeletons
    if mode == "train":
        return Compose([UniformSampleFrames(clip_len), PoseDecode(), PoseCompact(hw_ratio=1.),
                        Resize((-1, resize_short)), RandomResizedCrop(area_range=(0.56, 1.0)),
                        Resize((train_size, train_size), keep_ratio=False),
                        Flip(flip_ratio=0.5, left_kp=left_kp, right_kp=right_kp), GeneratePoseTarget(**target),
                        FormatShape()])
    return Compose([UniformSampleFrames(clip_len, num_clips=num_clips, test_mode=True), PoseDecode(),
                    PoseCompact(hw_ratio=1.), Resize((-1, test_size)), CenterCrop(test_size),
                    GeneratePoseTarget(double=mode == "test", left_kp=left_kp, right_kp=right_kp, **target),
                    FormatShape()])
