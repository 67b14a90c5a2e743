"""MVFNet's rawframe data pipeline in numpy + cv2 (torch is not needed for data).

Our own code, written line by line from whwu95/MVFNet (commit 0ddc7e2) and the mmcv 0.4.3 image
functions it calls, independently of PaddleMVF/datasets/transforms.py:
  codes/datasets/rawframes_dataset.py    RawFramesDataset.load_annotations ("<dir> <total> <label>")
  codes/datasets/pipelines/loading.py    SampleFrames (_sample_clips, _test_sample_clips, _get_frame_inds),
                                         FrameSelector (img_{idx+1:05}.jpg, mmcv.imfrombytes 'color' = BGR)
  codes/datasets/pipelines/augmentations.py  Resize (mmcv.imrescale), RandomResizedCrop.get_params/__call__,
                                         CenterCrop, ThreeCrop, Flip (mmcv.imflip), Normalize.imnormalize
  codes/datasets/pipelines/formating.py  FormatShape('NCHW')
  mmcv 0.4.3 mmcv/image/resize.py (imresize, imrescale, rescale_size, _scale_size) and
  mmcv/image/geometry.py (imcrop, bbox_clip, imflip).
Frames stay BGR until Normalize(to_rgb=True), as in MVFNet.

Two pieces the PaddleMVF seed took from mmaction2 0.x instead, marked "seed":
  mmaction/datasets/pipelines/loading.py SampleFrames: out_of_bound_opt='loop' (np.mod) and the
  extra `avg_interval == 0` train branch; augmentations.py RandomResizedCrop.get_crop_bbox (log-uniform
  aspect ratio, box inside the frame) followed by Resize((224, 224), keep_ratio=False).
Random draws are parameters here (offsets, crop box, flip), so both sides can be fed the same ones.
"""
import math
import os
import random

import cv2
import numpy as np

MEAN = [123.675, 116.28, 103.53]  # the config's img_norm_cfg (RGB order, 0-255)
STD = [58.395, 57.12, 57.375]


# ----------------------------------------------------------------------------- annotations
def load_annotations(ann_file, data_root):
    """rawframes_dataset.py RawFramesDataset.load_annotations (the official splits on one space)."""
    infos = []
    with open(ann_file) as fin:
        for line in fin:
            frame_dir, total_frames, label = line.split(" ")
            infos.append(dict(filename=os.path.join(data_root, frame_dir), total_frames=int(total_frames),
                              label=int(label)))
    return infos


# ----------------------------------------------------------------------------- sampling
def train_offsets(num_frames, clip_len, frame_interval, num_clips, seed_branch=False):
    """loading.py SampleFrames._sample_clips (np.random, the same calls as the official).
    seed_branch: mmaction2 0.x's extra `avg_interval == 0` branch (the seed's 'loop' sampler)."""
    ori_clip_len = clip_len * frame_interval
    avg_interval = (num_frames - ori_clip_len + 1) // num_clips
    if avg_interval > 0:
        base_offsets = np.arange(num_clips) * avg_interval
        clip_offsets = base_offsets + np.random.randint(avg_interval, size=num_clips)
    elif num_frames > max(num_clips, ori_clip_len):
        clip_offsets = np.sort(np.random.randint(num_frames - ori_clip_len + 1, size=num_clips))
    elif seed_branch and avg_interval == 0:  # mmaction2 0.x SampleFrames._get_train_clips
        ratio = (num_frames - ori_clip_len + 1.0) / num_clips
        clip_offsets = np.around(np.arange(num_clips) * ratio)
    else:
        clip_offsets = np.zeros((num_clips,))
    return clip_offsets


def test_offsets(num_frames, clip_len, frame_interval, num_clips):
    """loading.py SampleFrames._test_sample_clips with sth_samples=1."""
    ori_clip_len = clip_len * frame_interval
    tick = (num_frames - ori_clip_len + 1) / float(num_clips)
    if tick > 0:
        return np.array([int(tick / 2.0 + tick * x) for x in range(num_clips)])
    return np.zeros((num_clips,))


def frame_inds(clip_offsets, clip_len, frame_interval, num_frames, out_of_bound="clamp"):
    """loading.py SampleFrames._get_frame_inds (temporal_jitter=False): 0-based, clip-major.
    MVFNet clamps (np.minimum(frame_inds, total_frames - 1)); the seed (mmaction2 'loop') wraps."""
    inds = clip_offsets[:, None] + np.arange(clip_len)[None, :] * frame_interval
    inds = np.concatenate(inds)
    if out_of_bound == "loop":
        return np.mod(inds, num_frames).astype(int)
    return np.minimum(inds, num_frames - 1).astype(int)


# ----------------------------------------------------------------------------- decoding
def frame_selector(directory, inds, filename_tmpl="img_{:05}.jpg"):
    """loading.py FrameSelector (modality RGB): file filename_tmpl.format(idx + 1), read as bytes,
    mmcv 0.4.3 imfrombytes(buf, 'color') = cv2.imdecode(buf, cv2.IMREAD_COLOR): BGR uint8."""
    img_group = []
    for frame_idx in inds:
        with open(os.path.join(directory, filename_tmpl.format(frame_idx + 1)), "rb") as f:
            buf = f.read()
        img_group.append(cv2.imdecode(np.frombuffer(buf, np.uint8), cv2.IMREAD_COLOR))
    return img_group


# ----------------------------------------------------------------------------- mmcv 0.4.3 image ops
def imresize(img, size):
    """mmcv imresize(img, (w, h), interpolation='bilinear')."""
    return cv2.resize(img, size, interpolation=cv2.INTER_LINEAR)


def imrescale(img, scale):
    """mmcv imrescale(img, scale tuple): rescale_size + _scale_size (int(x * s + 0.5)), bilinear."""
    h, w = img.shape[:2]
    max_long_edge, max_short_edge = max(scale), min(scale)
    scale_factor = min(max_long_edge / max(h, w), max_short_edge / min(h, w))
    new_size = int(w * float(scale_factor) + 0.5), int(h * float(scale_factor) + 0.5)
    return imresize(img, new_size)


def imcrop(img, bbox):
    """mmcv imcrop(img, bbox) with scale 1.0, no pad: int32 box clipped by bbox_clip
    (x into [0, W-1], y into [0, H-1]), then img[y1:y2 + 1, x1:x2 + 1]."""
    box = np.asarray(bbox).astype(np.int32)
    cmin = np.empty(4, dtype=box.dtype)
    cmin[0::2] = img.shape[1] - 1
    cmin[1::2] = img.shape[0] - 1
    x1, y1, x2, y2 = np.maximum(np.minimum(box, cmin), 0)
    return img[y1:y2 + 1, x1:x2 + 1, ...]


def imflip(img):
    """mmcv imflip(img, 'horizontal') = np.flip(img, axis=1)."""
    return np.flip(img, axis=1)


# ----------------------------------------------------------------------------- transforms
def resize_short(img_group, short):
    """augmentations.py Resize(scale=(np.Inf, short), keep_ratio=True)."""
    return [imrescale(img, (np.inf, short)) for img in img_group]


def rrc_get_params(img_shape, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0), rnd=random):
    """augmentations.py RandomResizedCrop.get_params (Python random, as the official):
    returns ((i, j), (h, w)). Note the official compares w with shape[0] (height), h with shape[1]."""
    for _ in range(10):
        area = img_shape[0] * img_shape[1]
        target_area = rnd.uniform(*scale) * area
        aspect_ratio = rnd.uniform(*ratio)
        w = int(round(math.sqrt(target_area * aspect_ratio)))
        h = int(round(math.sqrt(target_area / aspect_ratio)))
        if rnd.random() < 0.5:
            w, h = h, w
        if w <= img_shape[0] and h <= img_shape[1]:
            i = rnd.randint(0, img_shape[1] - h)
            j = rnd.randint(0, img_shape[0] - w)
            return (i, j), (h, w)
    w = min(img_shape[0], img_shape[1])
    i = (img_shape[1] - w) // 2
    j = (img_shape[0] - w) // 2
    return (i, j), (w, w)


def rrc_apply(img_group, params, input_size):
    """augmentations.py RandomResizedCrop.__call__ with get_params' result:
    (x1, y1), (crop_h, crop_w) = params; box [x1, y1, x1 + crop_w - 1, y1 + crop_h - 1] (float32);
    imresize(imcrop(img, box), (input_size, input_size))."""
    (x1, y1), (crop_h, crop_w) = params
    box = np.array([x1, y1, x1 + crop_w - 1, y1 + crop_h - 1], dtype=np.float32)
    return [imresize(imcrop(img, box), (input_size, input_size)) for img in img_group]


def seed_rrc_box(img_h, img_w, area_range=(0.08, 1.0), aspect_ratio_range=(3 / 4, 4 / 3), rnd=None):
    """seed: mmaction2 0.x RandomResizedCrop.get_crop_bbox -> (left, top, right, bottom), right/bottom
    exclusive. 10 log-uniform aspect ratios and areas drawn at once, first candidate inside the frame."""
    rnd = rnd or np.random
    area = img_h * img_w
    min_ar, max_ar = aspect_ratio_range
    aspect_ratios = np.exp(rnd.uniform(np.log(min_ar), np.log(max_ar), size=10))
    target_areas = rnd.uniform(*area_range, size=10) * area
    candidate_crop_w = np.round(np.sqrt(target_areas * aspect_ratios)).astype(np.int32)
    candidate_crop_h = np.round(np.sqrt(target_areas / aspect_ratios)).astype(np.int32)
    for i in range(10):
        crop_w, crop_h = candidate_crop_w[i], candidate_crop_h[i]
        if crop_h <= img_h and crop_w <= img_w:
            x_offset = random.randint(0, img_w - crop_w)
            y_offset = random.randint(0, img_h - crop_h)
            return x_offset, y_offset, x_offset + crop_w, y_offset + crop_h
    crop_size = min(img_h, img_w)
    x_offset, y_offset = (img_w - crop_size) // 2, (img_h - crop_size) // 2
    return x_offset, y_offset, x_offset + crop_size, y_offset + crop_size


def seed_rrc_apply(img_group, box, input_size):
    """seed: mmaction2 0.x RandomResizedCrop (img[top:bottom, left:right]) then
    Resize((input_size, input_size), keep_ratio=False) = mmcv imresize, bilinear."""
    left, top, right, bottom = box
    return [imresize(img[top:bottom, left:right], (input_size, input_size)) for img in img_group]


def center_crop(img_group, crop_size):
    """augmentations.py CenterCrop: x1 = (W - cw) // 2, y1 = (H - ch) // 2, box [x1, y1, x1+cw-1, y1+ch-1]."""
    img_h, img_w = img_group[0].shape[:2]
    x1, y1 = (img_w - crop_size) // 2, (img_h - crop_size) // 2
    box = np.array([x1, y1, x1 + crop_size - 1, y1 + crop_size - 1])
    return [imcrop(img, box) for img in img_group]


def three_crop(img_group, crop_size):
    """augmentations.py ThreeCrop: offsets by branch (crop_h == img_h / crop_w == img_w / else),
    output crop-major (oversample_group.extend(normal_group) per offset; flip_group is discarded)."""
    img_h, img_w = img_group[0].shape[:2]
    crop_w = crop_h = crop_size
    if crop_h == img_h:
        w_step = (img_w - crop_w) // 2
        offsets = [(0, 0), (2 * w_step, 0), (w_step, 0)]  # left, right, middle
    elif crop_w == img_w:
        h_step = (img_h - crop_h) // 2
        offsets = [(0, 0), (0, 2 * h_step), (0, h_step)]  # top, down, middle
    else:
        w_step = (img_w - crop_w) // 4
        h_step = (img_h - crop_h) // 4
        offsets = [(0 * w_step, 2 * h_step), (4 * w_step, 2 * h_step), (2 * w_step, 2 * h_step)]
    oversample_group = []
    for o_w, o_h in offsets:
        oversample_group.extend(
            imcrop(img, np.array([o_w, o_h, o_w + crop_w - 1, o_h + crop_h - 1])) for img in img_group)
    return oversample_group


def flip(img_group, do_flip):
    """augmentations.py Flip: the official draws `np.random.rand() < flip_ratio`; here it is a parameter."""
    return [imflip(img) for img in img_group] if do_flip else list(img_group)


def normalize(img_group, mean=MEAN, std=STD, to_rgb=True):
    """augmentations.py Normalize(div_255=False, to_rgb=True).imnormalize: float32 copy,
    cv2.cvtColor BGR->RGB in place, cv2.subtract(mean float64), cv2.multiply(1 / std float64)."""
    mean = np.float64(np.array(mean, dtype=np.float32).reshape(1, -1))
    stdinv = 1 / np.float64(np.array(std, dtype=np.float32).reshape(1, -1))
    out = []
    for img in img_group:
        img = np.float32(img) if img.dtype != np.float32 else img.copy()
        if to_rgb:
            cv2.cvtColor(img, cv2.COLOR_BGR2RGB, img)
        cv2.subtract(img, mean, img)
        cv2.multiply(img, stdinv, img)
        out.append(img)
    return out


def format_shape(img_group):
    """formating.py FormatShape('NCHW'), RGB modality: HWC -> CHW, stacked -> (M, C, H, W)."""
    return np.stack([img.transpose(2, 0, 1) for img in img_group], axis=0)


# ----------------------------------------------------------------------------- whole pipelines
def train_pipeline(directory, total_frames, offsets, crop_params, do_flip, clip_len, frame_interval,
                   crop_size, short_side=256, style="mvfnet", out_of_bound="clamp"):
    """The config's train_pipeline with fixed draws. style 'mvfnet': SampleFrames -> FrameSelector ->
    RandomResizedCrop(crop_size) [crop_params = ((i, j), (h, w))] -> Flip -> Normalize -> FormatShape.
    style 'seed': ... FrameSelector -> Resize((inf, short_side)) -> mmaction2 RandomResizedCrop
    [crop_params = (left, top, right, bottom)] -> Resize(crop_size) -> Flip -> ..."""
    inds = frame_inds(np.asarray(offsets), clip_len, frame_interval, total_frames, out_of_bound)
    imgs = frame_selector(directory, inds)
    if style == "mvfnet":
        imgs = rrc_apply(imgs, crop_params, crop_size)
    else:
        imgs = seed_rrc_apply(resize_short(imgs, short_side), crop_params, crop_size)
    return format_shape(normalize(flip(imgs, do_flip)))


def val_pipeline(directory, total_frames, clip_len, frame_interval, short_side, crop_size, out_of_bound="clamp"):
    """val_pipeline: SampleFrames(1 clip, test mode) -> FrameSelector -> Resize -> CenterCrop -> Flip(0) -> ..."""
    inds = frame_inds(test_offsets(total_frames, clip_len, frame_interval, 1), clip_len, frame_interval,
                      total_frames, out_of_bound)
    imgs = center_crop(resize_short(frame_selector(directory, inds), short_side), crop_size)
    return format_shape(normalize(flip(imgs, False)))


def test_pipeline(directory, total_frames, clip_len, frame_interval, num_clips, short_side, out_of_bound="clamp"):
    """test_pipeline: SampleFrames(num_clips, test mode) -> FrameSelector -> Resize -> ThreeCrop(short_side)
    -> Flip(0) -> Normalize -> FormatShape: (3 * num_clips * clip_len, 3, S, S), crop-major views."""
    inds = frame_inds(test_offsets(total_frames, clip_len, frame_interval, num_clips), clip_len,
                      frame_interval, total_frames, out_of_bound)
    imgs = three_crop(resize_short(frame_selector(directory, inds), short_side), short_side)
    return format_shape(normalize(flip(imgs, False)))
