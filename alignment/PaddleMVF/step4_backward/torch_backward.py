"""Step 4, torch_ref: 5 steps of nesterov SGD with the same hyper-parameters, eval mode -> bp_align_torch.npy."""

import torch

import common

model = common.torch_model(segments=common.TRAIN_SEGMENTS)
opt = torch.optim.SGD(model.parameters(), common.LR, momentum=common.MOMENTUM, nesterov=True,
                      weight_decay=common.WEIGHT_DECAY)
imgs, labels = torch.from_numpy(common.fake("imgs_train")), torch.from_numpy(common.fake("labels"))
losses = {}
for i in range(common.STEPS):
    loss = model.loss(model.forward_train(imgs), labels)
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses[f"loss_{i}"] = loss.detach().numpy()
common.save("step4_backward", "bp_align", "torch", losses)
