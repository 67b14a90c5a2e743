"""Step 3, Paddle: cross-entropy of the consensus scores (eval mode, no label smoothing) -> loss_paddle.npy."""

import paddle
import paddle.nn.functional as F

import common

model = common.paddle_model(fcn_testing=False, segments=common.TRAIN_SEGMENTS)
logits = model(paddle.to_tensor(common.fake("imgs_train"))).mean(axis=1)
loss = F.cross_entropy(logits, paddle.to_tensor(common.fake("labels")))
common.save("step3_loss", "loss", "paddle", {"loss": loss.numpy()})
