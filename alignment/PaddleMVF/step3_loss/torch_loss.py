"""Step 3, torch_ref: forward_train + BaseHead.loss (MVFNet's plain cross-entropy) -> loss_torch.npy."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch  # noqa: E402

import common  # noqa: E402

model = common.torch_model()
loss = model.loss(model.forward_train(torch.from_numpy(common.fake("imgs_train"))),
                  torch.from_numpy(common.fake("labels")))
common.save("step3_loss", "loss", "torch", {"loss": loss.detach().numpy()})
