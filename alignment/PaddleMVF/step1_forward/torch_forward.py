"""Step 1, torch_ref: Recognizer2D.forward_test with fcn testing (new_cls from new_fc) -> forward_torch.npy."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch  # noqa: E402

import common  # noqa: E402

model = common.torch_model()
with torch.no_grad():
    logits = model.forward_test(torch.from_numpy(common.fake("imgs_test")))
common.save("step1_forward", "forward", "torch", {"logits": logits.numpy()})
