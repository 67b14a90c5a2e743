"""Step 3, torch_ref: forward_train + BaseHead.loss (MVFNet's plain cross-entropy) -> loss_torch.npy."""

import torch

import common

model = common.torch_model(segments=common.TRAIN_SEGMENTS)
loss = model.loss(model.forward_train(torch.from_numpy(common.fake("imgs_train"))),
                  torch.from_numpy(common.fake("labels")))
common.save("step3_loss", "loss", "torch", {"loss": loss.detach().numpy()})
