"""Step 2, torch side: torch_ref/decode.py (movenetDecode output and label modes, myAcc)."""
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

import numpy as np

from common import fake, save
from torch_ref.decode import decode_label, decode_output, decode_output_scores, my_acc

out = fake('fake_outputs').astype(np.float32)
labels, mask = fake('fake_labels').astype(np.float32), fake('fake_mask')
maps = out[:, :17], out[:, 17:18], out[:, 18:52], out[:, 52:]
pred = decode_output(*maps).reshape(-1, 17, 2)  # movenetDecode returns [B, 34] = x0, y0, x1, y1, ...
gt = decode_label(labels, mask).reshape(-1, 17, 2)
right = my_acc(pred, gt)
save('step2_metric', 'metric', 'torch', {
    'keypoints': pred, 'scores': decode_output_scores(*maps[:3]), 'label_keypoints': gt,
    'correct_per_joint': right, 'acc': np.array([np.mean(right / len(pred))])})  # task.py: mean(right/total)
