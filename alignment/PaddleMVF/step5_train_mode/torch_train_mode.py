"""Step 5, torch_ref: model.train() with dropout 0 (TSNClsHead builds no Dropout at ratio 0), float64,
BN affine terms at MVFNet's init (1, 0), 5 steps of nesterov SGD with the same hyper-parameters
-> train_mode_torch.npy (see paddle_train_mode.py for why)."""

import torch

import common

model = common.torch_model(dropout=0.0, segments=common.TRAIN_SEGMENTS)
with torch.no_grad():
    for m in model.modules():
        if isinstance(m, (torch.nn.BatchNorm2d, torch.nn.BatchNorm3d)):
            m.weight.fill_(1.0)
            m.bias.zero_()
model = model.double()
model.train()
opt = torch.optim.SGD(model.parameters(), common.STEP5_LR, momentum=common.MOMENTUM, nesterov=True,
                      weight_decay=common.WEIGHT_DECAY)
imgs = torch.from_numpy(common.fake("imgs_train").astype("float64"))
labels = torch.from_numpy(common.fake("labels"))
out = {}
for i in range(common.STEPS):
    loss = model.loss(model.forward_train(imgs), labels)
    opt.zero_grad()
    loss.backward()
    if i == 0:
        params = dict(model.named_parameters())
        for key, name in common.STEP5_GRADS.items():
            out[key] = params[name].grad.numpy().copy()
    opt.step()
    out[f"loss_{i}"] = loss.detach().numpy()
sd = model.state_dict()
for key, name in common.STEP5_TENSORS.items():
    out[key] = sd[name].numpy()
common.save("step5_train_mode", "train_mode", "torch", out)
