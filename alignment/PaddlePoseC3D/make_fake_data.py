"""Seeded inputs for every step, written to OUT/data/:
  raw_pose.pkl      five videos in the real pose pkl format ({'split', 'annotations'}, float16 keypoint /
                    keypoint_score, COCO-17) covering the sampler's three regimes (T < clip_len, clip_len <= T <
                    2 clip_len, T >= 2 clip_len), two persons, NaN and missing joints, an empty frame, scores
                    below GeneratePoseTarget's eps, a box too small for PoseCompact and joints outside the image;
                    split names of UCF-101 (train1 / test1) and NTU (xsub_train / xsub_val).
  fake_data.npy     a heatmap-like batch [4, 17, 8, 32, 32] in [0, 1]; fake_label.npy its labels.
  torch_init.pth    torch_ref's official init with random BN statistics / affine parameters, saved as mmaction2
                    saves a checkpoint ({'state_dict', 'meta'}), then converted to paddle_init.pdparams by the
                    model folder's own tools/convert_weights.py.
"""
import os
import pickle

import numpy as np

from common import DATA, EVAL_SHAPE, NUM_CLASSES, PADDLE_CKPT, RAW_PKL, TORCH_CKPT


def video(rng, idx, frames, persons, img_hw=(256, 340), spread=30.0, shift=(0.0, 0.0)):
    h, w = img_hw
    centre = rng.uniform([0.3 * w, 0.3 * h], [0.7 * w, 0.7 * h], (persons, 1, 1, 2)) + np.array(shift)
    pose = rng.normal(0, spread, (persons, 1, 17, 2))
    walk = np.cumsum(rng.normal(0, 1.5, (persons, frames, 1, 2)), axis=1)
    kp = centre + pose + walk + rng.normal(0, 1.0, (persons, frames, 17, 2))
    score = rng.uniform(0.05, 1.0, (persons, frames, 17))
    missing = rng.rand(persons, frames, 17) < 0.1  # undetected joints: 0 coordinates, score 0
    kp[missing], score[missing] = 0, 0
    score[rng.rand(persons, frames, 17) < 0.05] = 5e-5  # below eps=1e-4: not drawn
    return {"frame_dir": f"v_Fake_g{idx:02d}_c01", "label": int(rng.randint(NUM_CLASSES)), "total_frames": frames,
            "img_shape": img_hw, "original_shape": img_hw, "keypoint": kp.astype(np.float16),
            "keypoint_score": score.astype(np.float16)}


def raw_videos():
    rng = np.random.RandomState(0)
    anns = [video(rng, 0, 5, 1), video(rng, 1, 12, 1), video(rng, 2, 40, 2), video(rng, 3, 30, 1, spread=1.5),
            video(rng, 4, 20, 1, shift=(-120.0, 0.0))]
    anns[2]["keypoint"][1, 3:6, 4] = np.nan  # NaN coordinates: PoseCompact turns them into 0 (missing)
    anns[2]["keypoint"][:, 7], anns[2]["keypoint_score"][:, 7] = 0, 0  # a frame where nobody was detected
    names = [a["frame_dir"] for a in anns]
    split = {k: list(names) for k in ("train1", "test1", "xsub_train", "xsub_val")}
    return {"split": split, "annotations": anns}


def torch_weights():
    import torch

    from torch_ref import build_torch_model
    torch.manual_seed(0)
    model = build_torch_model(NUM_CLASSES)  # the official init (kaiming fan_out, zero-init residual, fc std 0.01)
    with torch.no_grad():  # non-trivial BN statistics and affine parameters (zero-init would hide the branches)
        for m in model.modules():
            if isinstance(m, torch.nn.BatchNorm3d):
                m.weight.uniform_(0.5, 1.0)
                m.bias.uniform_(-0.1, 0.1)
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
        model.cls_head.fc_cls.weight.normal_(0, 0.05)
    torch.save({"state_dict": model.state_dict(), "meta": {"note": "random init for the alignment"}}, TORCH_CKPT)


def main():
    os.makedirs(DATA, exist_ok=True)
    with open(RAW_PKL, "wb") as f:
        pickle.dump(raw_videos(), f)
    rng = np.random.RandomState(0)
    np.save(os.path.join(DATA, "fake_data.npy"), (rng.rand(*EVAL_SHAPE) ** 4).astype("float32"))
    np.save(os.path.join(DATA, "fake_label.npy"), rng.randint(0, NUM_CLASSES, EVAL_SHAPE[0]).astype("int64"))
    torch_weights()
    from tools.convert_weights import main as convert
    convert(["--src", TORCH_CKPT, "--dst", PADDLE_CKPT])


if __name__ == "__main__":
    main()
