"""Step 4, torch side: 5 SGD-momentum steps of torch_ref's MoveNet in eval mode, float64."""
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

import numpy as np

from common import LR, MOMENTUM, STEPS, fake, save, torch_model, torch_side
from torch_ref.loss import total_loss

torch = torch_side()

model = torch_model().double()  # eval mode
opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
x = torch.from_numpy(fake('fake_input').astype(np.float64))
labels, mask = torch.from_numpy(fake('fake_labels')), torch.from_numpy(fake('fake_mask'))
out = {}
for i in range(STEPS):
    loss = total_loss(model(x), labels, mask)
    opt.zero_grad()  # task.py onTrainStep: zero_grad, backward, step
    loss.backward()
    opt.step()
    out[f'loss_{i}'] = np.array([loss.item()])
save('step4_backward', 'bp_align', 'torch', out)
