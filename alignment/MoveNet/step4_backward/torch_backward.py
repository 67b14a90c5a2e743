import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import HERE, data  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from torch_ref.loss_metric import movenet_loss  # noqa: E402
from torch_ref.movenet import MoveNet  # noqa: E402

model = MoveNet()
model.load_state_dict(torch.load(data('model.pth')), strict=True)
model.double().eval()
opt = torch.optim.SGD(model.parameters(), lr=2 ** -17, momentum=0.875)
x = torch.from_numpy(np.load(data('fake_input.npy')).astype(np.float64))
labels, mask = torch.from_numpy(np.load(data('fake_labels.npy'))), torch.from_numpy(np.load(data('fake_mask.npy')))
logger = ReprodLogger()
for i in range(5):
    loss = movenet_loss(model(x), labels, mask)
    opt.zero_grad()
    loss.backward()
    opt.step()
    logger.add(f'loss_{i}', np.array([loss.item()]))
logger.save(os.path.join(HERE, 'step4_backward', 'bp_align_torch.npy'))
