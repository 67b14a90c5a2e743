"""Step 0, Paddle side: the raw pkl through PaddlePoseC3D's own reader/validator (datasets.pose_dataset) and
PoseDataset with the pipelines of its configs (configs/posec3d_r50_ucf101_split1.yaml: keypoints;
configs/posec3d_r50_ntu60_xsub_limb.yaml: limbs), i.e. exactly what train.py / test.py run, with clip_len 8 and
2 test clips. Train clips: numpy and python `random` seeded with each seed right before dataset[i]."""
import os
import random

import numpy as np

from common import CLIP_LEN, MODEL_DIR, RAW_PKL, TEST_CLIPS, TRAIN_SEEDS, save_log
from datasets.pose_dataset import build_dataset, load_split
from utils.config import load_config

CONFIGS = {"kp": "posec3d_r50_ucf101_split1.yaml", "limb": "posec3d_r50_ntu60_xsub_limb.yaml"}
log = {}
for i, ann in enumerate(load_split(RAW_PKL, "train1", num_classes=101)):  # the reader + validator
    # NaN coordinates (kept by the reader) as a sentinel: NaN - NaN would hide any difference from the check
    log[f"reader/{i}/keypoint"] = np.nan_to_num(ann["keypoint"].astype(np.float64), nan=-1e4)
    log[f"reader/{i}/keypoint_score"] = ann["keypoint_score"].astype(np.float64)
    log[f"reader/{i}/meta"] = np.array([ann["label"], ann["total_frames"], *ann["img_shape"]])
for kind, name in CONFIGS.items():
    # the raw pkl's labels are UCF-101's (0..100) for both configs
    cfg = load_config(os.path.join(MODEL_DIR, "configs", name),
                      {"data.clip_len": CLIP_LEN, "data.test_clips": TEST_CLIPS, "model.num_classes": 101,
                       "data.class_names": "datasets/labels/ucf101.txt"})
    for mode in ("test", "val"):
        dataset = build_dataset(RAW_PKL, cfg, mode)
        for i in range(len(dataset)):
            imgs, label = dataset[i]
            log[f"{kind}/{mode}_clip/{i}"] = imgs
            log[f"{kind}/{mode}_label/{i}"] = np.array([label])
    dataset = build_dataset(RAW_PKL, cfg, "train")
    for i in range(len(dataset.anns)):
        for seed in TRAIN_SEEDS:
            np.random.seed(seed)
            random.seed(seed)
            log[f"{kind}/train_clip/{i}/seed{seed}"] = dataset[i][0]
    # the keypoint dtype after every step (itemsize), on one train and one test sample
    for mode in ("train", "test"):
        np.random.seed(0)
        random.seed(0)
        results = dict(dataset.anns[2], start_index=0)
        sizes = []
        for step in build_dataset(RAW_PKL, cfg, mode).pipeline.transforms[:-2]:  # up to GeneratePoseTarget
            results = step(results)
            sizes.append(results["keypoint"].dtype.itemsize)
        log[f"{kind}/{mode}_keypoint_itemsize"] = np.array(sizes)
save_log("step0_data", "data", "paddle", log)
