import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from common import DATA, fake_batch, load_torch_model  # noqa: E402

model = load_torch_model()
x, _ = fake_batch()
with torch.no_grad():
    logits = model(torch.from_numpy(x)).numpy()
log = ReprodLogger()
log.add("logits", logits)
log.save(os.path.join(DATA, "forward_torch.npy"))
