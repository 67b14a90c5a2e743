"""Step 5, Paddle: model.train() (BN on batch statistics; dropout 0 on both sides), 5 steps of nesterov
Momentum (momentum 0.9, wd 5e-4, lr STEP5_LR) -> train_mode_paddle.npy: the losses, a few
gradients of step 0, and a few BN running means and weights after the steps.

Conditioning (README, step 5): this input is tiny (layer4's BN sees 8 frames x 2x2), so batch
statistics make the training map chaotic in float32. Both sides therefore run in float64, start from
the converted weights with the BN affine terms at MVFNet's init (weight 1, bias 0: resnet.py
init_weights constant_init, MVF._initialize_weights) instead of make_fake_data's random ones, and use
lr 1e-4; a 1e-12 perturbation of torch's own weights then moves the losses by <= 6e-9."""

import paddle
import paddle.nn.functional as F

import common

model = common.paddle_model(fcn_testing=False, dropout=0.0, segments=common.TRAIN_SEGMENTS)
for layer in model.sublayers():
    if isinstance(layer, (paddle.nn.BatchNorm2D, paddle.nn.BatchNorm3D)):
        layer.weight.set_value(paddle.ones_like(layer.weight))
        layer.bias.set_value(paddle.zeros_like(layer.bias))
model.to(dtype="float64")
model.train()
opt = paddle.optimizer.Momentum(common.STEP5_LR, common.MOMENTUM, parameters=model.parameters(),
                                use_nesterov=True, weight_decay=common.WEIGHT_DECAY)
imgs = paddle.to_tensor(common.fake("imgs_train").astype("float64"))
labels = paddle.to_tensor(common.fake("labels"))
out = {}
for i in range(common.STEPS):
    loss = F.cross_entropy(model(imgs).mean(axis=1), labels)
    loss.backward()
    if i == 0:
        params = dict(model.named_parameters())
        for key, name in common.STEP5_GRADS.items():
            grad = params[name].grad.numpy()
            out[key] = grad.T if name.endswith("new_fc.weight") else grad
    opt.step()
    opt.clear_grad()
    out[f"loss_{i}"] = loss.numpy()
sd = model.state_dict()
for key, name in common.STEP5_TENSORS.items():
    value = sd[name.replace("running_mean", "_mean").replace("running_var", "_variance")].numpy()
    out[key] = value.T if name.endswith("new_fc.weight") else value
common.save("step5_train_mode", "train_mode", "paddle", out)
