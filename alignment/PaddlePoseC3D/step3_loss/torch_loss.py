"""Step 3, reference side: CrossEntropyLoss (mmaction/models/losses/cross_entropy_loss.py, hard labels) on the
step-1 torch logits."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch  # noqa: E402

from common import fake_batch, load_log, save_log  # noqa: E402
from torch_ref import cross_entropy  # noqa: E402

logits = torch.from_numpy(load_log("step1_forward", "forward", "torch")["logits"])
_, y = fake_batch()
loss = cross_entropy(logits, torch.from_numpy(y))
save_log("step3_loss", "loss", "torch", {"loss": loss.numpy().reshape(1)})
