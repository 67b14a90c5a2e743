"""Step 1, torch_ref: Recognizer2D.forward_test with fcn testing (new_cls from new_fc) -> forward_torch.npy."""

import torch

import common

model = common.torch_model()
with torch.no_grad():
    logits = model.forward_test(torch.from_numpy(common.fake("imgs_test")))
common.save("step1_forward", "forward", "torch", {"logits": logits.numpy()})
