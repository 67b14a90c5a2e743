"""Step 0, Paddle side: PaddleMVF's reader, validator, sampler, decoder and transforms (the code
train.py/test.py run: datasets.build_dataset -> RawframeDataset -> build_pipeline) on the generated
rawframes -> data_paddle.npy. Random draws: the sampler is seeded like the torch side (same np.random
calls); the train clips get the crop boxes, offsets and flips drawn once in make_fake_data.py."""
import os

import numpy as np

import common
from datasets import build_dataset
from datasets.rawframes import read_list, validate_records
from datasets.transforms import Flip, MVFNetRandomResizedCrop, RandomResizedCrop, RawFrameDecode, SampleFrames

params = common.step0_params()
FILENAME_TMPL = "img_{:05}.jpg"  # the generated rawframes (make_fake_data.py), as tools/build_rawframes.py writes
out = {}

# reader: list file + validator + decoding every frame of video 0 (RGB uint8, compared as float)
records = read_list(os.path.join(common.DATA, "ucf101_val_split_1_rawframes.txt"))
validate_records(common.RAWFRAMES, records, common.NUM_CLASSES, FILENAME_TMPL)
out["reader_records"] = np.array([[total, label] for _, total, label in records])
rel, total, _ = records[0]
decoded = RawFrameDecode()(dict(frame_dir=os.path.join(common.RAWFRAMES, rel), filename_tmpl=FILENAME_TMPL,
                                frame_inds=np.arange(1, total + 1)))["imgs"]
out["reader_frames"] = np.stack(decoded).astype(np.float32)

# sampling (0-based like MVFNet's frame_inds): train draws seeded identically on both sides
for t in common.SAMPLING_TOTALS:
    for opt in ("clamp", "loop"):
        for n in (1, 3):
            np.random.seed(params["sampling_seeds"][str(t)] + n)
            r = SampleFrames(16, 4, n, out_of_bound_opt=opt)(dict(total_frames=t, start_index=1))
            out[f"train_inds_{opt}_T{t}_n{n}"] = r["frame_inds"] - 1
        for n in (1, 10):
            r = SampleFrames(16, 4, n, test_mode=True, out_of_bound_opt=opt)(dict(total_frames=t, start_index=1))
            out[f"test_inds_{opt}_T{t}_n{n}"] = r["frame_inds"] - 1


def item(mode: str, index: int, **cfg) -> tuple:
    """dataset[index] of build_dataset(mode) with DATA_CFG + cfg, fed the fixed draws in train mode."""
    data = dict(common.DATA_CFG, dataset_root=common.DATA, split=1, rawframes="rawframes", filename_tmpl=FILENAME_TMPL,
                train_crop="resized_crop", out_of_bound_opt="loop")
    data.update(cfg)
    ds = build_dataset(common.paddle_config(dict(num_segments=data["clip_len"]), data), mode)
    if mode == "train":
        p = params["mvfnet" if cfg.get("train_crop") == "mvfnet" else "seed"]
        for op in ds.pipeline.transforms:
            if isinstance(op, SampleFrames):
                op._train_offsets = lambda total, o=p["offsets"]: np.array(o)
            elif isinstance(op, MVFNetRandomResizedCrop):
                op.get_params = lambda h, w, rnd=None, c=p["crop"]: tuple(c)  # (i, j, h, w)
            elif isinstance(op, RandomResizedCrop):
                op.box = lambda h, w, c=p["crop"]: tuple(c)  # (left, top, width, height)
            elif isinstance(op, Flip):
                op.p = 1.0 if p["flip"] else 0.0
    return ds[index]


imgs, label = item("train", 0, train_crop="mvfnet", out_of_bound_opt="clamp")
out["train_clip_mvfnet"], out["train_label"] = imgs, np.asarray(label)
out["train_clip_seed_short"] = item("train", 1)[0]  # defaults: loop sampling, resized_crop
out["val_clip"] = item("val", 0)[0]
out["val_clip_short_clamp"] = item("val", 1, out_of_bound_opt="clamp")[0]
out["val_clip_short_loop"] = item("val", 1)[0]
out["test_clip"] = item("test", 0)[0]
out["test_clip_short_loop"] = item("test", 1)[0]
common.save("step0_data", "data", "paddle", out)
