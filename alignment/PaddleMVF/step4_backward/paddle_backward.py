"""Step 4, Paddle: 5 steps of nesterov Momentum (lr 1e-3, momentum 0.9, wd 5e-4), eval mode -> bp_align_paddle.npy."""

import paddle
import paddle.nn.functional as F

import common

model = common.paddle_model(fcn_testing=False, segments=common.TRAIN_SEGMENTS)
opt = paddle.optimizer.Momentum(common.LR, common.MOMENTUM, parameters=model.parameters(),
                                use_nesterov=True, weight_decay=common.WEIGHT_DECAY)
imgs, labels = paddle.to_tensor(common.fake("imgs_train")), paddle.to_tensor(common.fake("labels"))
losses = {}
for i in range(common.STEPS):
    loss = F.cross_entropy(model(imgs).mean(axis=1), labels)
    loss.backward()
    opt.step()
    opt.clear_grad()
    losses[f"loss_{i}"] = loss.numpy()
common.save("step4_backward", "bp_align", "paddle", losses)
