import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from common import DATA, fake_batch, load_torch_model  # noqa: E402
from torch_ref import cross_entropy  # noqa: E402

model = load_torch_model()
x, y = fake_batch()
with torch.no_grad():
    loss = cross_entropy(model(torch.from_numpy(x)), torch.from_numpy(y))
log = ReprodLogger()
log.add("loss", loss.numpy().reshape(1))
log.save(os.path.join(DATA, "loss_torch.npy"))
