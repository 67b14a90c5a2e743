"""Step 1, torch_ref: eval-mode logits of torch_ref's B0 on the fake batch (the fake torch checkpoint)."""
import torch

import common as C

model = C.torch_model()
x, _ = C.fake_batch()
with torch.no_grad():
    logits, _ = model(torch.from_numpy(x))
logger = C.reprod_logger()
logger.add('logits', logits.numpy())
logger.save(C.step_file('step1_forward', 'forward_torch.npy'))
