import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

from common import DATA, NUM_CLASSES, TORCH_CKPT, fake_batch  # noqa: E402
from torch_ref import build_torch_model  # noqa: E402

torch.set_num_threads(1)
model = build_torch_model(NUM_CLASSES)
model.load_state_dict(torch.load(TORCH_CKPT, map_location="cpu")["state_dict"], strict=True)
model.eval()
x, _ = fake_batch()
with torch.no_grad():
    logits = model(torch.from_numpy(x)).numpy()
log = ReprodLogger()
log.add("logits", logits)
log.save(os.path.join(DATA, "forward_torch.npy"))
