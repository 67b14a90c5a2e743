"""Step 3, reference side: CrossEntropyLoss (mmaction/models/losses/cross_entropy_loss.py, hard labels) on the
step-1 torch logits."""

import torch

from common import fake_batch, load_log, save_log
from torch_ref import cross_entropy

logits = torch.from_numpy(load_log("step1_forward", "forward", "torch")["logits"])
_, y = fake_batch()
loss = cross_entropy(logits, torch.from_numpy(y))
save_log("step3_loss", "loss", "torch", {"loss": loss.numpy().reshape(1)})
