"""Step 0, Paddle side: the raw files through STGCN_fsd10's reader, validator and pipeline, exactly the code
train.py / test.py use (datasets/fsd10.py load_data + load_labels + FSD10Dataset, datasets/transforms.py
build_transforms of the shipped configs). Train = test in every config, so one clip per sample and config.

Keys: reader_* (the sample as read), label_* ([1] int64), w350_autopad_* / w350_clip_* (configs/
stgcn_fsd10_w350.yaml: PaddleVideo's window 350 and its linspace(0, T_valid, W); not sample 2, on which
the official code raises IndexError), w1000_autopad_* / w1000_clip_* (configs/stgcn_fsd10.yaml: window
1000, our linspace(0, T_valid - 1, W)), ntu_reader_* / ntu_label_* / ntu_clip_* (configs/stgcn_ntu_xsub.yaml).
"""
import os

import numpy as np

import common
from datasets.fsd10 import FSD10Dataset
from datasets.reader import dataset_files, load_data, load_labels, requirements
from datasets.transforms import build_transforms
from utils.config import load_config

logger = common.logger()
for tag, config, samples in (("w350", "stgcn_fsd10_w350.yaml", (0, 1)), ("w1000", "stgcn_fsd10.yaml", (0, 1, 2))):
    cfg = load_config(os.path.join(common.CONFIGS, config))
    data_path, label_path = dataset_files(common.RAW_FSD, cfg["data"])
    data = load_data(data_path, **requirements(cfg))
    labels = load_labels(label_path, len(data), cfg["model"]["num_classes"])
    pipeline = build_transforms(cfg)
    dataset = FSD10Dataset(data, labels, np.arange(len(data)), pipeline)
    for i in samples:
        clip, label = dataset[i]
        if tag == "w1000":
            logger.add(f"reader_{i}", np.asarray(data[i]))
            logger.add(f"label_{i}", label)
        logger.add(f"{tag}_autopad_{i}", pipeline.transforms[0](np.asarray(data[i])))
        logger.add(f"{tag}_clip_{i}", clip)

cfg = load_config(os.path.join(common.CONFIGS, "stgcn_ntu_xsub.yaml"))
data_path, label_path = dataset_files(common.RAW_NTU, cfg["data"], "val")
data = load_data(data_path, **requirements(cfg))
labels = load_labels(label_path, len(data), cfg["model"]["num_classes"])
dataset = FSD10Dataset(data, labels, np.arange(len(data)), build_transforms(cfg))
for i in range(len(data)):
    clip, label = dataset[i]
    logger.add(f"ntu_reader_{i}", np.asarray(data[i]))
    logger.add(f"ntu_label_{i}", label)
    logger.add(f"ntu_clip_{i}", clip)
logger.save(common.step_file("step0_data", "data_paddle.npy"))
