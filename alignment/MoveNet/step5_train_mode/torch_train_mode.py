"""Step 5, torch side: 5 SGD-momentum steps of torch_ref's MoveNet in train mode (BN momentum 0.1), float64."""
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

import numpy as np

from common import LR, MOMENTUM, STEPS, fake, save, torch_model, torch_side
from torch_ref.loss import total_loss

torch = torch_side()

BN = ['backbone.features1.0.1', 'backbone.features4.2.conv1.7', 'header.header_heatmaps.0.3']
WEIGHTS = ['backbone.features1.0.0.weight', 'backbone.features3.conv2.2.6.weight', 'header.header_offsets.1.weight']

model = torch_model().double()
model.train()  # task.py onTrainStep: model.train()
opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
x = torch.from_numpy(fake('fake_input').astype(np.float64))
labels, mask = torch.from_numpy(fake('fake_labels')), torch.from_numpy(fake('fake_mask'))
out = {}
for i in range(STEPS):
    loss = total_loss(model(x), labels, mask)
    opt.zero_grad()
    loss.backward()
    opt.step()
    out[f'loss_{i}'] = np.array([loss.item()])
state = model.state_dict()
out.update({f'{name}.running_mean': state[f'{name}.running_mean'].numpy() for name in BN})
out.update({f'{name}.running_var': state[f'{name}.running_var'].numpy() for name in BN})
out.update({name: state[name].detach().numpy() for name in WEIGHTS})
save('step5_train_mode', 'train_mode', 'torch', out)
