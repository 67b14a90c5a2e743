"""Step 1, torch_ref: eval-mode logits of torch_ref/st_gcn.py Model (yysijie net/st_gcn.py) on the fake batch."""


import torch

import common

model = common.torch_model()
x, _ = common.fake_batch()
logger = common.logger()
with torch.no_grad():
    logger.add("logits", model(torch.from_numpy(x)).numpy())
logger.save(common.step_file("step1_forward", "forward_torch.npy"))
