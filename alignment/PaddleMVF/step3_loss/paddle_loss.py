"""Step 3, Paddle: cross-entropy of the consensus scores (eval mode, no label smoothing) -> loss_paddle.npy."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import paddle  # noqa: E402
import paddle.nn.functional as F  # noqa: E402

import common  # noqa: E402

model = common.paddle_model(fcn_testing=False)
logits = model(paddle.to_tensor(common.fake("imgs_train"))).mean(axis=1)
loss = F.cross_entropy(logits, paddle.to_tensor(common.fake("labels")))
common.save("step3_loss", "loss", "paddle", {"loss": loss.numpy()})
