"""Step 3, Paddle side: train.py's loss (F.cross_entropy with the config's label_smoothing 0) on the step-1
Paddle logits (the forward itself is step 1)."""

import paddle
import paddle.nn.functional as F

from common import fake_batch, load_log, save_log

logits = paddle.to_tensor(load_log("step1_forward", "forward", "paddle")["logits"])
_, y = fake_batch()
loss = F.cross_entropy(logits, paddle.to_tensor(y), label_smoothing=0.0)
save_log("step3_loss", "loss", "paddle", {"loss": loss.numpy().reshape(1)})
