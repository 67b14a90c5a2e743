"""5 steps of SGD momentum 0.9, weight decay 3e-4, global-norm clip 40, in eval mode (no dropout, fixed BN)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from common import CLIP, DATA, LR, MOMENTUM, WEIGHT_DECAY, fake_batch, load_torch_model  # noqa: E402
from torch_ref import cross_entropy  # noqa: E402

model = load_torch_model()
opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)
x, y = fake_batch()
x, y = torch.from_numpy(x), torch.from_numpy(y)
log = ReprodLogger()
for i in range(5):
    loss = cross_entropy(model(x), y)
    opt.zero_grad()
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), CLIP)
    opt.step()
    log.add(f"loss_{i}", loss.detach().numpy().reshape(1))
log.save(os.path.join(DATA, "bp_align_torch.npy"))
