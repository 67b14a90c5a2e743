"""Step 3, torch side: torch_ref/loss.py MovenetLoss (lib/loss/movenet_loss.py), float64."""
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

import numpy as np

from common import fake, save, torch_side
from torch_ref.loss import MovenetLoss

torch = torch_side()

out = torch.from_numpy(fake('fake_outputs'))
hm, bone, ctr, regs, off = MovenetLoss()([out[:, :17], out[:, 17:18], out[:, 18:52], out[:, 52:]],
                                         torch.from_numpy(fake('fake_labels')), torch.from_numpy(fake('fake_mask')))
total = hm + ctr + regs + off + bone  # lib/task/task.py onTrainStep
save('step3_loss', 'loss', 'torch', {k: np.array([float(v)]) for k, v in (
    ('loss', total), ('heatmap', hm), ('bone', bone), ('center', ctr), ('regs', regs), ('offsets', off))})
