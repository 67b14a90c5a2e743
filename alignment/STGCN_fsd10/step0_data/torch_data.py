"""Step 0, reference side: the same raw files through torch_ref/pipeline.py, our independent numpy
implementation of PaddleVideo's SkeletonDataset + AutoPadding / SkeletonNorm / Iden (stgcn_fsd.yaml,
stgcn_ntucs.yaml). `w1000_*` uses the documented endpoint fix (endpoint='last_valid'), `w350_*` the official
sampling; sample 2 is left out of w350 because the official AutoPadding raises IndexError on it.
"""
import os

import common
from torch_ref import pipeline as ref

logger = common.logger()
data, label = ref.load_file(os.path.join(common.RAW_FSD, "train_data.npy"),
                            os.path.join(common.RAW_FSD, "train_label.npy"))
for tag, window, endpoint, samples in (("w350", 350, "official", (0, 1)), ("w1000", 1000, "last_valid", (0, 1, 2))):
    ops = ref.fsd_pipeline(window, endpoint)
    for i in samples:
        clip, lab = ref.prepare(data, label, i, ops)
        if tag == "w1000":
            logger.add(f"reader_{i}", data[i])
            logger.add(f"label_{i}", lab)
        logger.add(f"{tag}_autopad_{i}", ops[0]({"data": data[i].copy()})["data"])
        logger.add(f"{tag}_clip_{i}", clip)
try:  # the official sampling on the unpadded sample: documented crash
    ref.prepare(data, label, 2, ref.fsd_pipeline(350, "official"))
    raise AssertionError("the official AutoPadding was expected to raise IndexError on sample 2")
except IndexError:
    pass

data, label = ref.load_file(os.path.join(common.RAW_NTU, "xsub", "val_data.npy"),
                            os.path.join(common.RAW_NTU, "xsub", "val_label.pkl"))
for i in range(len(data)):
    clip, lab = ref.prepare(data, label, i, ref.ntu_pipeline())
    logger.add(f"ntu_reader_{i}", data[i])
    logger.add(f"ntu_label_{i}", lab)
    logger.add(f"ntu_clip_{i}", clip)
logger.save(common.step_file("step0_data", "data_torch.npy"))
