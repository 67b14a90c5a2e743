"""Step 1, reference side: torch_ref (strict load of the mmaction2-style checkpoint), eval mode, and
BaseRecognizer.average_clip('prob') over each video's 2 views."""

import torch

from common import fake_batch, load_torch_model, save_log
from torch_ref import average_clip

model = load_torch_model()
x, _ = fake_batch()
with torch.no_grad():
    logits = model(torch.from_numpy(x))
    probs = average_clip(logits, 2)
save_log("step1_forward", "forward", "torch", {"logits": logits.numpy(), "video_probs": probs.numpy()})
