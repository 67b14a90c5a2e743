"""Step 0, reference side: the raw pkl through torch_ref/pipeline.py, our independent re-implementation of the
mmaction2 0.x pipelines (load_pkl_annotations, then the official configs' train / val / test pipelines:
slowonly_kinetics400_pretrained_r50_u48_120e_ucf101_split1_keypoint.py and the limb configs' skeletons of
slowonly_r50_u48_240e_ntu60_xsub_limb.py), clip_len 8, 2 test clips, the same seeds."""
import random

import numpy as np

from common import CLIP_LEN, RAW_PKL, TEST_CLIPS, TRAIN_SEEDS, save_log
from torch_ref.pipeline import build_pipeline, load_pose_pkl

LIMB_SKELETONS = [[0, 5], [0, 6], [5, 7], [7, 9], [6, 8], [8, 10], [5, 11], [11, 13], [13, 15], [6, 12], [12, 14],
                  [14, 16], [0, 1], [0, 2], [1, 3], [2, 4], [11, 12]]  # the official *_limb configs' skeletons
SETTINGS = {"kp": dict(resize_short=64, train_size=48, test_size=56),  # UCF-101 keypoint config
            "limb": dict(resize_short=64, train_size=56, test_size=64, with_kp=False, with_limb=True,
                         skeletons=LIMB_SKELETONS)}  # NTU-60 limb config
SPLITS = {"kp": ("train1", "test1"), "limb": ("xsub_train", "xsub_val")}
log = {}
for i, ann in enumerate(load_pose_pkl(RAW_PKL, "train1")):
    # NaN coordinates (kept by the reader) as a sentinel: NaN - NaN would hide any difference from the check
    log[f"reader/{i}/keypoint"] = np.nan_to_num(ann["keypoint"].astype(np.float64), nan=-1e4)
    log[f"reader/{i}/keypoint_score"] = ann["keypoint_score"].astype(np.float64)
    log[f"reader/{i}/meta"] = np.array([ann["label"], ann["total_frames"], *ann["img_shape"]])
for kind, settings in SETTINGS.items():
    train_split, test_split = SPLITS[kind]
    for mode in ("test", "val"):
        pipeline = build_pipeline(mode, CLIP_LEN, TEST_CLIPS if mode == "test" else 1, **settings)
        for i, ann in enumerate(load_pose_pkl(RAW_PKL, test_split)):
            log[f"{kind}/{mode}_clip/{i}"] = pipeline(dict(ann))["imgs"]
            log[f"{kind}/{mode}_label/{i}"] = np.array([ann["label"]])
    pipeline = build_pipeline("train", CLIP_LEN, 1, **settings)
    anns = load_pose_pkl(RAW_PKL, train_split)
    for i, ann in enumerate(anns):
        for seed in TRAIN_SEEDS:
            np.random.seed(seed)
            random.seed(seed)
            log[f"{kind}/train_clip/{i}/seed{seed}"] = pipeline(dict(ann))["imgs"]
    for mode in ("train", "test"):
        np.random.seed(0)
        random.seed(0)
        results = dict(anns[2])
        sizes = []
        for step in build_pipeline(mode, CLIP_LEN, TEST_CLIPS, **settings).steps[:-2]:
            results = step(results)
            sizes.append(results["keypoint"].dtype.itemsize)
        log[f"{kind}/{mode}_keypoint_itemsize"] = np.array(sizes)
save_log("step0_data", "data", "torch", log)
