"""Seeded inputs for steps 0-5, a random MVFNet torch state dict and its Paddle conversion, in OUT/data/.

- steps 1-5: random clips (step 1: 2 videos x 2 views x 4 frames; steps 3-5: 2 videos x 2 frames; 40 px),
  labels, metric scores;
- torch_ref's MVFNet with random weights and randomised BN statistics, saved with torch.save under
  MVFNet's names, converted by PaddleMVF's own tools/convert_weights.py (what users run on R50_16x4.pth);
- step 0: two UCF-101-style rawframe videos (img_{:05}.jpg, 1-based, 100 and 20 frames of 64x48 JPEG),
  the train/val list files that read them, and the random draws both sides are fed (clip offsets,
  crop boxes, flips), drawn once here with fixed seeds.
"""
import json
import os
import random

import cv2
import numpy as np
import torch

import common

os.makedirs(common.DATA, exist_ok=True)
rng = np.random.RandomState(0)
np.save(os.path.join(common.DATA, "imgs_test.npy"),
        rng.randn(2, common.VIEWS * common.SEGMENTS, 3, common.SIDE, common.SIDE).astype("float32"))
np.save(os.path.join(common.DATA, "imgs_train.npy"),
        rng.randn(2, common.TRAIN_SEGMENTS, 3, common.TRAIN_SIDE, common.TRAIN_SIDE).astype("float32"))
np.save(os.path.join(common.DATA, "labels.npy"), np.array([3, 57], dtype="int64"))
# step 2: 60 samples, half of them scored right (boost on the label), the rest predicting random classes,
# many of which never occur in the labels (MVFNet's mean class accuracy counts those classes as 0)
metric_scores = rng.rand(60, common.NUM_CLASSES).astype("float32")
metric_labels = rng.randint(0, common.NUM_CLASSES, 60).astype("int64")
metric_scores[np.arange(30), metric_labels[:30]] += 1.0
np.save(os.path.join(common.DATA, "metric_scores.npy"), metric_scores)
np.save(os.path.join(common.DATA, "metric_labels.npy"), metric_labels)

# ------------------------------------------------------------------ weights (torch_ref -> converter)
torch.manual_seed(0)
from torch_ref import build_mvfnet
from torch_ref.pipeline import rrc_get_params, seed_rrc_box

model = build_mvfnet(common.NUM_CLASSES, common.SEGMENTS)
with torch.no_grad():  # non-trivial BN statistics and affine terms, so eval mode checks them too
    for m in model.modules():
        if isinstance(m, (torch.nn.BatchNorm2d, torch.nn.BatchNorm3d)):
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
            m.weight.uniform_(0.5, 1.5)
            m.bias.uniform_(-0.1, 0.1)
    model.cls_head.new_fc.weight.normal_(0, 0.01)
torch.save(model.state_dict(), common.TORCH_WEIGHTS)

from tools.convert_weights import convert

convert(common.TORCH_WEIGHTS, common.PADDLE_WEIGHTS, log=lambda *_: None)

# ------------------------------------------------------------------ step 0: rawframes in the real format
yy, xx = np.mgrid[:common.FRAME_H, :common.FRAME_W].astype(np.float32)
lines = []
for rel, total, label in common.VIDEOS:
    out = os.path.join(common.RAWFRAMES, rel)
    os.makedirs(out, exist_ok=True)
    for t in range(total):  # smooth colour ramps that move with t, a bright square, JPEG noise on top
        r = 128 + 100 * np.sin((xx + 3 * t) / 9.0)
        g = 128 + 100 * np.cos((yy - 2 * t) / 7.0)
        b = (xx * 2 + yy * 3 + 5 * t) % 256
        img = np.stack([r, g, b], -1) + rng.normal(0, 6, size=(common.FRAME_H, common.FRAME_W, 3))
        x0, y0 = (7 * t) % (common.FRAME_W - 10), (3 * t) % (common.FRAME_H - 10)
        img[y0:y0 + 10, x0:x0 + 10] = (255, 255, 40)
        rgb = np.clip(img, 0, 255).astype(np.uint8)
        cv2.imwrite(os.path.join(out, f"img_{t + 1:05d}.jpg"), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    lines.append(f"{rel} {total} {label}\n")
for kind in ("train", "val"):  # PaddleMVF reads ucf101_{train,val}_split_1_rawframes.txt from the root
    with open(os.path.join(common.DATA, f"ucf101_{kind}_split_1_rawframes.txt"), "w") as f:
        f.writelines(lines)

# The draws, made once. MVFNet's RandomResizedCrop.get_params (Python random, as the official) with
# the first seed whose box sticks out of the frame, so imcrop's clipping is exercised too.
seed = 0
while True:
    (x1, y1), (crop_h, crop_w) = rrc_get_params((common.FRAME_H, common.FRAME_W), rnd=random.Random(seed))
    if x1 + crop_w > common.FRAME_W or y1 + crop_h > common.FRAME_H:
        break
    seed += 1
short_h = common.DATA_CFG["short_side"]
short_w = int(common.FRAME_W * short_h / common.FRAME_H + 0.5)
random.seed(3)
left, top, right, bottom = (int(v) for v in seed_rrc_box(short_h, short_w, rnd=np.random.RandomState(3)))
params = {
    "sampling_seeds": {str(t): 1000 + t for t in common.SAMPLING_TOTALS},
    # video 0 (100 frames): MVFNet train pipeline, clamp sampling, offset in [0, 100 - 64]
    "mvfnet": {"offsets": [int(rng.randint(0, 100 - 64 + 1))], "crop": [x1, y1, crop_h, crop_w],
               "crop_seed": seed, "flip": True},
    # video 1 (20 frames < 64): the seed's train pipeline (loop sampling, offset 0 as its sampler gives),
    # mmaction2's RandomResizedCrop box on the short-side-resized frame: (left, top, width, height)
    "seed": {"offsets": [0], "crop": [left, top, right - left, bottom - top], "flip": False},
}
with open(common.STEP0_PARAMS, "w") as f:
    json.dump(params, f, indent=1)
