"""Step 1, Paddle: eval-mode fcn-testing logits of the converted model (2 videos x 2 views) -> forward_paddle.npy."""

import paddle

import common

model = common.paddle_model(fcn_testing=True)
with paddle.no_grad():
    logits = model(paddle.to_tensor(common.fake("imgs_test")))
common.save("step1_forward", "forward", "paddle", {"logits": logits.numpy().reshape(-1, common.NUM_CLASSES)})
