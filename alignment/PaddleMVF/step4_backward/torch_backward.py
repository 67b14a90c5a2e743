"""Step 4, torch_ref: 5 steps of nesterov SGD with the same hyper-parameters, eval mode -> bp_align_torch.npy."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch  # noqa: E402

import common  # noqa: E402

model = common.torch_model()
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
