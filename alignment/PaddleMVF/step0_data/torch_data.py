"""Step 0, reference side: torch_ref/pipeline.py (our numpy/cv2 code written from MVFNet's
loading.py / augmentations.py / formating.py and mmcv 0.4.3) on the same rawframes -> data_torch.npy.
Frames stay BGR until Normalize(to_rgb=True) as in MVFNet; the decoded frames are compared in RGB."""
import os

import numpy as np

import common
from torch_ref import pipeline as P

params = common.step0_params()
cfg = common.DATA_CFG
clip_len, interval = cfg["clip_len"], cfg["frame_interval"]
out = {}

infos = P.load_annotations(os.path.join(common.DATA, "ucf101_val_split_1_rawframes.txt"), common.RAWFRAMES)
out["reader_records"] = np.array([[v["total_frames"], v["label"]] for v in infos])
v0, v1 = infos
out["reader_frames"] = np.stack(P.frame_selector(v0["filename"], range(v0["total_frames"])))[..., ::-1].astype(
    np.float32)  # BGR -> RGB only for this comparison

for t in common.SAMPLING_TOTALS:
    for opt in ("clamp", "loop"):
        for n in (1, 3):
            np.random.seed(params["sampling_seeds"][str(t)] + n)
            offsets = P.train_offsets(t, 16, 4, n, seed_branch=opt == "loop")
            out[f"train_inds_{opt}_T{t}_n{n}"] = P.frame_inds(offsets, 16, 4, t, opt)
        for n in (1, 10):
            out[f"test_inds_{opt}_T{t}_n{n}"] = P.frame_inds(P.test_offsets(t, 16, 4, n), 16, 4, t, opt)

p = params["mvfnet"]
i, j, h, w = p["crop"]  # get_params' ((i, j), (h, w))
out["train_clip_mvfnet"] = P.train_pipeline(v0["filename"], v0["total_frames"], p["offsets"], ((i, j), (h, w)),
                                            p["flip"], clip_len, interval, cfg["crop_size"], style="mvfnet")
out["train_label"] = np.asarray(v0["label"])
p = params["seed"]
left, top, bw, bh = p["crop"]
out["train_clip_seed_short"] = P.train_pipeline(v1["filename"], v1["total_frames"], p["offsets"],
                                                (left, top, left + bw, top + bh), p["flip"], clip_len, interval,
                                                cfg["crop_size"], cfg["short_side"], style="seed", out_of_bound="loop")
out["val_clip"] = P.val_pipeline(v0["filename"], v0["total_frames"], clip_len, interval, cfg["short_side"],
                                 cfg["crop_size"])
out["val_clip_short_clamp"] = P.val_pipeline(v1["filename"], v1["total_frames"], clip_len, interval,
                                             cfg["short_side"], cfg["crop_size"], "clamp")
out["val_clip_short_loop"] = P.val_pipeline(v1["filename"], v1["total_frames"], clip_len, interval,
                                            cfg["short_side"], cfg["crop_size"], "loop")
out["test_clip"] = P.test_pipeline(v0["filename"], v0["total_frames"], clip_len, interval, cfg["test_clips"],
                                   cfg["short_side"])
out["test_clip_short_loop"] = P.test_pipeline(v1["filename"], v1["total_frames"], clip_len, interval,
                                              cfg["test_clips"], cfg["short_side"], "loop")
common.save("step0_data", "data", "torch", out)
