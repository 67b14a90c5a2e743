"""Seeded inputs for every step, under OUT/data/:

- step 0: raw files in the real formats. FSD-10 train_data.npy [3, 3, 1500, 25, 1] float32 (x, y in -1..1,
  OpenPose confidence in 0.5..1, zero-padded tail) + train_label.npy [3] int64: sample 0 is 300 frames long
  (shorter than both windows, 350 and 1000), sample 1 has 1200 frames whose last 20 sum below 0 (PaddleVideo
  counts them as padding: T_valid 1180) then zeros, sample 2 fills all 1500 frames (no padding). NTU RGB+D
  xsub/val_data.npy [2, 3, 300, 25, 2] + xsub/val_label.pkl in yysijie tools/ntu_gendata.py's format.
- steps 1-5: a fake pipeline output [4, 2, 32, 25, 1], labels, 64 score vectors; a random torch state dict
  with yysijie's names (official init plus random biases, BN statistics and edge weights, so nothing is
  trivially 0/1), saved with torch.save and converted by STGCN_fsd10/tools/convert_weights.py.
"""
import os
import pickle

import numpy as np
import paddle
import torch

import common
from tools.convert_weights import convert, read_torch_state
from torch_ref.st_gcn import Model, weights_init

rng = np.random.RandomState(0)
torch.manual_seed(0)
os.makedirs(os.path.join(common.RAW_FSD), exist_ok=True)
os.makedirs(os.path.join(common.RAW_NTU, "xsub"), exist_ok=True)

# ---- step 0: raw FSD-10 and NTU files
raw = np.zeros((3, 3, 1500, 25, 1), np.float32)
for i, t_valid in enumerate((300, 1200, 1500)):
    raw[i, :2, :t_valid] = rng.uniform(-0.5, 0.5, (2, t_valid, 25, 1))
    raw[i, 2, :t_valid] = rng.uniform(0.5, 1.0, (t_valid, 25, 1))
raw[1, :2, 1180:1200] = -0.9  # 20 trailing frames with x = y = -0.9, confidence 0.1: frame sums < 0
raw[1, 2, 1180:1200] = 0.1
frame_sums = raw.sum(axis=(1, 3, 4))
for i, t_valid in enumerate(common.RAW_FSD_T_VALID):  # the designed valid lengths hold
    assert (frame_sums[i, :t_valid] > 0).all() and not (frame_sums[i, t_valid:] > 0).any(), i
np.save(os.path.join(common.RAW_FSD, "train_data.npy"), raw)
np.save(os.path.join(common.RAW_FSD, "train_label.npy"), np.array([4, 17, 29], np.int64))

ntu = rng.uniform(-1, 1, (2, 3, 300, 25, 2)).astype(np.float32)
ntu[0, :, 200:] = 0  # a shorter clip, zero-padded as ntu_gendata does
ntu[1, :, :, :, 1] = 0  # one body
np.save(os.path.join(common.RAW_NTU, "xsub", "val_data.npy"), ntu)
with open(os.path.join(common.RAW_NTU, "xsub", "val_label.pkl"), "wb") as f:
    pickle.dump((["S001C001P001R001A001.skeleton", "S002C002P003R002A060.skeleton"], [0, 59]), f)

# ---- steps 1-5
np.save(common.FAKE_DATA, rng.uniform(-1, 1, common.SHAPE).astype("float32"))
np.save(common.FAKE_LABEL, rng.randint(0, common.NUM_CLASSES, common.SHAPE[0]).astype("int64"))
np.save(common.FAKE_SCORES, rng.rand(64, common.NUM_CLASSES).astype("float32"))
np.save(common.FAKE_SCORE_LABELS, rng.randint(0, common.NUM_CLASSES, 64).astype("int64"))

model = Model(in_channels=2, num_class=common.NUM_CLASSES, graph_args={"layout": "fsd10", "strategy": "spatial"},
              edge_importance_weighting=True, dropout=0.0)
model.apply(weights_init)  # the official init
with torch.no_grad():  # then non-trivial biases, BN statistics and edge weights
    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d):
            module.bias.normal_(0, 0.02)
        elif isinstance(module, (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d)):
            module.bias.normal_(0, 0.02)
            module.running_mean.normal_(0, 0.1)
            module.running_var.uniform_(0.5, 1.5)
    for weight in model.edge_importance:
        weight.uniform_(0.5, 1.5)
torch.save(model.state_dict(), common.TORCH_WEIGHTS)
# the converter users run on official checkpoints: read the torch file, rename, save
state, unmapped = convert(read_torch_state(common.TORCH_WEIGHTS))
assert not unmapped, unmapped
paddle.save({k: paddle.to_tensor(v) for k, v in state.items()}, common.PADDLE_WEIGHTS)
print(f"fake data and weights written to {common.DATA}")
