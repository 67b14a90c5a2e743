"""The same 5 steps with the optimizer train.py builds (Momentum + L2Decay + ClipGradByGlobalNorm)."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import CLIP, DATA, LR, MOMENTUM, WEIGHT_DECAY, fake_batch, load_paddle_model  # noqa: E402

import paddle  # noqa: E402
import paddle.nn.functional as F  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

model = load_paddle_model()
opt = paddle.optimizer.Momentum(LR, MOMENTUM, parameters=model.parameters(),
                                weight_decay=paddle.regularizer.L2Decay(WEIGHT_DECAY),
                                grad_clip=paddle.nn.ClipGradByGlobalNorm(CLIP))
x, y = fake_batch()
x, y = paddle.to_tensor(x), paddle.to_tensor(y)
log = ReprodLogger()
for i in range(5):
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    opt.clear_grad()
    log.add(f"loss_{i}", loss.numpy().reshape(1))
log.save(os.path.join(DATA, "bp_align_paddle.npy"))
