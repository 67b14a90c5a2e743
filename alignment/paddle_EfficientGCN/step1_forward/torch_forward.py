"""Step 1, torch_ref: eval-mode logits of torch_ref's B0 on the fake batch (the fake torch checkpoint)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common as C  # noqa: E402

import torch  # noqa: E402

model = C.torch_model()
x, _ = C.fake_batch()
with torch.no_grad():
    logits, _ = model(torch.from_numpy(x))
logger = C.reprod_logger()
logger.add('logits', logits.numpy())
logger.save(C.step_file('step1_forward', 'forward_torch.npy'))
