"""Run the OFFICIAL MVFNet code on the alignment's inputs and weights; compare it with torch_ref and PaddleMVF.

Not part of run_alignment.sh and not needed by any test: it needs a local copy of the official code,
which is never committed. Setup (README, "Running the official code"):
    MVFNET_SRC  whwu95/MVFNet at 0ddc7e2 (git archive HEAD codes configs), default /tmp/official
    MMCV_SRC    the pure-Python sources of mmcv 0.4.3 (the version MVFNet's requirements.txt pins:
                `pip download mmcv==0.4.3` then untar), default /tmp/mmcv_dl/mmcv-0.4.3
Small stubs (written to a temp dir) stand in for what cannot run here: `addict` (mmcv Config only),
`torchvision` (mmcv.runner import only), mmcv's Cython `_ext`, `np.int` (removed from numpy), and
`nn.Module.cuda` (TSNClsHead builds new_cls with .cuda()).

    ALIGN_OUT=/tmp/al bash alignment/PaddleMVF/run_alignment.sh        # inputs, weights, Paddle outputs
    ALIGN_OUT=/tmp/al PYTHONPATH=alignment/PaddleMVF python alignment/PaddleMVF/official_check/run_official.py \
        [--write_fixture]

Prints max abs diffs official-vs-torch_ref and official-vs-PaddleMVF per quantity. --write_fixture
also writes PaddleMVF/tests/fixtures/mvfnet_official.json (outputs of the official sampling, crop and
metric functions that PaddleMVF's tests compare against).
"""
import argparse
import json
import os
import random
import sys
import tempfile

import numpy as np

import common

MVFNET_SRC = os.environ.get("MVFNET_SRC", "/tmp/official")
MMCV_SRC = os.environ.get("MMCV_SRC", "/tmp/mmcv_dl/mmcv-0.4.3")
OFFICIAL_COMMIT = "0ddc7e2ebf2b7c24c09794bfab45de3f85760557"
FIXTURE = os.path.join(common.MODEL_DIR, "tests", "fixtures", "mvfnet_official.json")


def setup_official():
    stubs = tempfile.mkdtemp(prefix="mvfnet_stubs_")
    with open(os.path.join(stubs, "addict.py"), "w") as f:
        f.write("class Dict(dict):\n    pass\n")
    with open(os.path.join(stubs, "torchvision.py"), "w") as f:
        f.write("# stub\n")
    ext = os.path.join(MMCV_SRC, "mmcv", "_ext.py")
    if not os.path.exists(ext):
        with open(ext, "w") as f:
            f.write("flow_warp_c = None  # stub: Cython extension not built\n")
    np.int = int  # used by MVFNet's SampleFrames (np.int is gone from numpy >= 1.24)
    sys.path[:0] = [MVFNET_SRC, stubs, MMCV_SRC]
    import torch
    torch.nn.Module.cuda = lambda self, *a, **k: self


def maxdiff(a, b) -> float:
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        return float("nan")
    return float(np.abs(a - b).max()) if a.size else 0.0


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--write_fixture", action="store_true")
    args = p.parse_args()
    setup_official()
    import torch
    from codes.core.evaluation.accuracy import mean_class_accuracy as off_mca
    from codes.core.evaluation.accuracy import top_k_accuracy as off_topk
    from codes.datasets.pipelines import (
        CenterCrop,
        Resize,
        SampleFrames,
        ThreeCrop,
    )
    from codes.datasets.pipelines.augmentations import RandomResizedCrop
    from codes.datasets.pipelines.compose import Compose
    from codes.models import build_recognizer

    from datasets.transforms import CenterCrop as OurCenter
    from datasets.transforms import MVFNetRandomResizedCrop
    from datasets.transforms import SampleFrames as OurSampleFrames
    from datasets.transforms import ThreeCrop as OurThree
    from torch_ref import build_mvfnet, mean_class_accuracy, top_k_accuracy
    from torch_ref import pipeline as P
    from utils.metrics import evaluate_scores as evaluate

    rows = []
    fixture = {"source": f"whwu95/MVFNet@{OFFICIAL_COMMIT} with mmcv 0.4.3, by alignment/PaddleMVF/official_check/"
                         "run_official.py", "sampling": [], "rrc_get_params": [], "three_crop": [],
               "center_crop": [], "imrescale": [], "metrics": {}}

    # ---------------------------------------------------------------- model
    cfg = dict(type="Recognizer2D",
               backbone=dict(type="ResNet", pretrained=None, depth=50, out_indices=(3,), norm_eval=False,
                             partial_norm=False, norm_cfg=dict(type="BN", requires_grad=True)),
               cls_head=dict(type="TSNClsHead", spatial_size=-1, spatial_type="avg", with_avg_pool=False,
                             temporal_feature_size=1, spatial_feature_size=1, dropout_ratio=0.5, in_channels=2048,
                             init_std=0.01, num_classes=common.NUM_CLASSES, fcn_testing=True),
               module_cfg=dict(type="MVF", n_segment=common.SEGMENTS, alpha=0.125, mvf_freq=(0, 0, 1, 1), mode="THW"),
               fcn_testing=True)
    official = build_recognizer(cfg, train_cfg=None, test_cfg=dict(average_clips=None))
    sd = torch.load(common.TORCH_WEIGHTS)
    official.load_state_dict(sd, strict=True)  # raises on any missing/unexpected name
    official.eval()
    ref = build_mvfnet(common.NUM_CLASSES, common.SEGMENTS)
    ref.load_state_dict(sd, strict=True)
    ref.eval()
    x_test = torch.from_numpy(common.fake("imgs_test"))
    with torch.no_grad():
        off_logits = official(x_test, None, return_loss=False, return_numpy=False).numpy()
        ref_logits = ref.forward_test(x_test).numpy()
    pd_logits = np.load(os.path.join(common.OUT, "step1_forward", "forward_paddle.npy"), allow_pickle=True).item()
    rows.append(("model: fcn-test logits (2 videos x 2 views)", maxdiff(off_logits, ref_logits),
                 maxdiff(off_logits, pd_logits["logits"])))
    x_train, labels = torch.from_numpy(common.fake("imgs_train")), torch.from_numpy(common.fake("labels"))
    # steps 3-4 use clips of TRAIN_SEGMENTS frames: the official model built for that count, same weights
    official = build_recognizer(dict(cfg, module_cfg=dict(cfg["module_cfg"], n_segment=common.TRAIN_SEGMENTS)),
                                train_cfg=None, test_cfg=dict(average_clips=None))
    official.load_state_dict(sd, strict=True)
    official.eval()
    ref = build_mvfnet(common.NUM_CLASSES, common.TRAIN_SEGMENTS)
    ref.load_state_dict(sd, strict=True)
    ref.eval()
    official.fcn_testing = official.cls_head.fcn_testing = False  # fcn testing is a test-time switch (--fcn_testing)
    with torch.no_grad():
        off_loss = official(x_train, labels[:, None], return_loss=True)["loss_cls"].item()
        ref_loss = ref.loss(ref.forward_train(x_train), labels).item()
    pd_loss = np.load(os.path.join(common.OUT, "step3_loss", "loss_paddle.npy"), allow_pickle=True).item()["loss"]
    rows.append(("model: eval-mode CE loss", abs(off_loss - ref_loss), abs(off_loss - float(pd_loss))))
    # step 4 on the official model: 5 nesterov SGD steps, eval mode
    opt = torch.optim.SGD(official.parameters(), common.LR, momentum=common.MOMENTUM, nesterov=True,
                          weight_decay=common.WEIGHT_DECAY)
    off_losses = []
    for _ in range(common.STEPS):
        loss = official(x_train, labels[:, None], return_loss=True)["loss_cls"]
        opt.zero_grad()
        loss.backward()
        opt.step()
        off_losses.append(loss.item())
    ref_bp = np.load(os.path.join(common.OUT, "step4_backward", "bp_align_torch.npy"), allow_pickle=True).item()
    pd_bp = np.load(os.path.join(common.OUT, "step4_backward", "bp_align_paddle.npy"), allow_pickle=True).item()
    rows.append(("model: 5 SGD steps, eval mode, losses", maxdiff(off_losses, [ref_bp[f"loss_{i}"] for i in range(5)]),
                 maxdiff(off_losses, [pd_bp[f"loss_{i}"] for i in range(5)])))

    # ---------------------------------------------------------------- metrics
    scores, mlabels = common.fake("metric_scores"), common.fake("metric_labels")
    off_top1, off_top5 = off_topk(list(scores), [int(v) for v in mlabels], k=(1, 5))
    off_m = off_mca(scores, mlabels.astype(np.int64))
    ours = evaluate(scores, mlabels)
    y_list = [int(v) for v in mlabels]
    rows.append(("metric: top1/top5/mean class acc",
                 maxdiff([off_top1, off_top5, off_m], [top_k_accuracy(scores, y_list, 1),
                                                      top_k_accuracy(scores, y_list, 5),
                                                      mean_class_accuracy(scores, y_list)]),
                 maxdiff([off_top1, off_top5, off_m], [ours["top1"], ours["top5"], ours["mean_class_acc"]])))
    fixture["metrics"] = {"scores": np.eye(6)[[0, 3, 1, 1, 5, 2]].tolist(), "labels": [0, 0, 1, 1, 2, 2]}
    fs = np.array(fixture["metrics"]["scores"])
    fixture["metrics"]["mean_class_accuracy"] = float(off_mca(fs, np.array(fixture["metrics"]["labels"])))
    fixture["metrics"]["top1"] = float(off_topk(list(fs), fixture["metrics"]["labels"], k=(1,))[0])

    # ---------------------------------------------------------------- sampling
    worst_ref = worst_ours = 0.0
    for t in (20, 63, 64, 65, 66, 100, 300):
        for test_mode, clips in ((False, 1), (False, 3), (True, 1), (True, 10)):
            seed = 1000 + t + clips
            np.random.seed(seed)
            off = SampleFrames(16, 4, clips)._get_frame_inds(t, dict(test_mode=test_mode))
            np.random.seed(seed)
            offsets = P.test_offsets(t, 16, 4, clips) if test_mode else P.train_offsets(t, 16, 4, clips)
            mine = P.frame_inds(offsets, 16, 4, t, "clamp")
            np.random.seed(seed)
            ours = OurSampleFrames(16, 4, clips, test_mode=test_mode, out_of_bound_opt="clamp")(
                dict(total_frames=t, start_index=1))["frame_inds"] - 1
            worst_ref, worst_ours = max(worst_ref, maxdiff(off, mine)), max(worst_ours, maxdiff(off, ours))
            fixture["sampling"].append(dict(total_frames=t, num_clips=clips, test_mode=test_mode, np_seed=seed,
                                            frame_inds=[int(v) for v in off]))
    rows.append(("data: SampleFrames indices, 28 cases (clamp)", worst_ref, worst_ours))

    # ---------------------------------------------------------------- RandomResizedCrop.get_params
    worst_ref = worst_ours = 0.0
    for shape in ((48, 64), (240, 320), (256, 341), (64, 48), (30, 200)):
        for seed in range(6):
            random.seed(seed)
            (i, j), (h, w) = RandomResizedCrop.get_params(np.zeros(shape + (3,), np.uint8), (0.08, 1.0), (3 / 4, 4 / 3))
            (ri, rj), (rh, rw) = P.rrc_get_params(shape, rnd=random.Random(seed))
            oi, oj, oh, ow = MVFNetRandomResizedCrop(224).get_params(shape[0], shape[1], rnd=random.Random(seed))
            worst_ref = max(worst_ref, maxdiff([i, j, h, w], [ri, rj, rh, rw]))
            worst_ours = max(worst_ours, maxdiff([i, j, h, w], [oi, oj, oh, ow]))
            fixture["rrc_get_params"].append(dict(shape=list(shape), py_seed=seed, params=[i, j, h, w]))
    rows.append(("data: RandomResizedCrop.get_params, 30 draws", worst_ref, worst_ours))

    # ---------------------------------------------------------------- ThreeCrop / CenterCrop / Resize
    for h, w, s in ((4, 9, 4), (9, 4, 4), (7, 11, 4), (3, 5, 4)):  # both long-side branches, the else branch, crop > frame
        img = (np.arange(h * w, dtype=np.uint8).reshape(h, w, 1) * np.array([1, 2, 3], np.uint8))
        off = ThreeCrop(s)(dict(img_group=[img], modality="RGB"))["img_group"]
        ours = OurThree(s)(dict(imgs=[img]))["imgs"]
        mine = P.three_crop([img], s)
        rows.append((f"data: ThreeCrop({s}) on {h}x{w}", max(maxdiff(a, b) for a, b in zip(off, mine)),
                     max(maxdiff(a, b) for a, b in zip(off, ours))))
        fixture["three_crop"].append(dict(h=h, w=w, size=s, crops=[c[..., 0].tolist() for c in off]))
        offc = CenterCrop(s)(dict(img_group=[img]))["img_group"][0]
        ourc = OurCenter(s)(dict(imgs=[img]))["imgs"][0]
        rows.append((f"data: CenterCrop({s}) on {h}x{w}", maxdiff(offc, P.center_crop([img], s)[0]), maxdiff(offc, ourc)))
        fixture["center_crop"].append(dict(h=h, w=w, size=s, crop=offc[..., 0].tolist()))
    for h, w, s in ((240, 320, 256), (320, 240, 256), (48, 64, 32), (7, 4, 3), (101, 67, 50)):
        off = Resize((np.inf, s))(dict(img_group=[np.zeros((h, w, 3), np.uint8)]))["img_group"][0]
        fixture["imrescale"].append(dict(h=h, w=w, short=s, out_hw=list(off.shape[:2])))

    # ---------------------------------------------------------------- whole pipelines on the step-0 rawframes
    rel, total, label = common.VIDEOS[0]
    base = dict(filename=os.path.join(common.RAWFRAMES, rel), total_frames=total, label=label,
                filename_tmpl="img_{:05}.jpg", modality="RGB")
    norm = dict(type="Normalize", mean=P.MEAN, std=P.STD, div_255=False, to_rgb=True)
    c = common.DATA_CFG
    test_pipe = Compose([dict(type="SampleFrames", clip_len=16, frame_interval=4, num_clips=c["test_clips"]),
                         dict(type="FrameSelector"), dict(type="Resize", scale=(np.inf, c["short_side"]), keep_ratio=True),
                         dict(type="ThreeCrop", crop_size=c["short_side"]), dict(type="Flip", flip_ratio=0), norm,
                         dict(type="FormatShape", input_format="NCHW")])
    off = test_pipe(dict(base, test_mode=True))["img_group"]
    mine = P.test_pipeline(base["filename"], total, 16, 4, c["test_clips"], c["short_side"])
    step0 = np.load(os.path.join(common.OUT, "step0_data", "data_paddle.npy"), allow_pickle=True).item()
    rows.append(("data: test pipeline, 10 clips x ThreeCrop", maxdiff(off, mine), maxdiff(off, step0["test_clip"])))
    val_pipe = Compose([dict(type="SampleFrames", clip_len=16, frame_interval=4, num_clips=1), dict(type="FrameSelector"),
                        dict(type="Resize", scale=(np.inf, c["short_side"]), keep_ratio=True),
                        dict(type="CenterCrop", crop_size=c["crop_size"]), dict(type="Flip", flip_ratio=0), norm,
                        dict(type="FormatShape", input_format="NCHW")])
    off = val_pipe(dict(base, test_mode=True))["img_group"]
    mine = P.val_pipeline(base["filename"], total, 16, 4, c["short_side"], c["crop_size"])
    rows.append(("data: val pipeline, CenterCrop", maxdiff(off, mine), maxdiff(off, step0["val_clip"])))
    # train: the official draws (np.random sampler + flip, Python random crop) are read back from the
    # results dict and fed to torch_ref and to PaddleMVF's pipeline (patched like step 0)
    from datasets.transforms import Flip as OurFlip
    from datasets.transforms import build_pipeline
    train_pipe = Compose([dict(type="SampleFrames", clip_len=16, frame_interval=4, num_clips=1),
                          dict(type="FrameSelector"), dict(type="RandomResizedCrop", input_size=c["crop_size"]),
                          dict(type="Flip", flip_ratio=0.5), norm, dict(type="FormatShape", input_format="NCHW")])
    worst_ref = worst_ours = 0.0
    for seed in range(4):
        random.seed(seed)
        np.random.seed(seed)
        r = train_pipe(dict(base, test_mode=False))
        x1, y1, x2, y2 = (int(v) for v in r["crop_bbox"])
        params = ((x1, y1), (y2 - y1 + 1, x2 - x1 + 1))
        offset = int(r["frame_inds"][0])
        mine = P.train_pipeline(base["filename"], total, [offset], params, r["flip"], 16, 4, c["crop_size"])
        ours_pipe = build_pipeline(dict(common.paddle_config()["data"], **c, train_crop="mvfnet",
                                        out_of_bound_opt="clamp"), "train")
        for op in ours_pipe.transforms:
            if isinstance(op, OurSampleFrames):
                op._train_offsets = lambda tot, o=offset: np.array([o])
            elif isinstance(op, MVFNetRandomResizedCrop):
                op.get_params = lambda hh, ww, rnd=None, q=(x1, y1, params[1][0], params[1][1]): q
            elif isinstance(op, OurFlip):
                op.p = 1.0 if r["flip"] else 0.0
        ours = ours_pipe(dict(frame_dir=base["filename"], total_frames=total, start_index=1))["imgs"]
        worst_ref, worst_ours = max(worst_ref, maxdiff(r["img_group"], mine)), max(worst_ours, maxdiff(r["img_group"], ours))
    rows.append(("data: train pipeline (MVFNet crop), 4 seeds", worst_ref, worst_ours))

    width = max(len(r[0]) for r in rows)
    print(f"{'quantity'.ljust(width)}  official vs torch_ref  official vs PaddleMVF")
    for name, a, b in rows:
        print(f"{name.ljust(width)}  {a:20.3g}  {b:20.3g}")
    if args.write_fixture:
        os.makedirs(os.path.dirname(FIXTURE), exist_ok=True)
        with open(FIXTURE, "w") as f:
            json.dump(fixture, f, separators=(",", ":"))
            f.write("\n")
        print(f"fixture written to {FIXTURE}")


if __name__ == "__main__":
    main()
