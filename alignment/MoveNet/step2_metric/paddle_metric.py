"""Step 2, Paddle side: models/decode.py (movenet_decode on the outputs, decode_labels on the targets) and
utils/metrics.py joint_correct (the acc) on the same fake maps."""
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

import numpy as np

from common import fake, paddle_side, save
from models.decode import decode_labels, decode_outputs
from utils.metrics import joint_correct

paddle_side()

out = fake('fake_outputs').astype(np.float32)
labels, mask = fake('fake_labels').astype(np.float32), fake('fake_mask')
pred = decode_outputs([out[:, :17], out[:, 17:18], out[:, 18:52], out[:, 52:]])  # [B,17,3] x, y, score
gt = decode_labels(labels, mask)  # [B,17,2]
save('step2_metric', 'metric', 'paddle', {
    'keypoints': pred[..., :2], 'scores': pred[..., 2], 'label_keypoints': gt,
    'correct_per_joint': joint_correct(pred, gt), 'acc': np.array([joint_correct(pred, gt).mean() / len(pred)])})
