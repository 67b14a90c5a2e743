import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import DATA, fake_batch, load_paddle_model  # noqa: E402

import paddle  # noqa: E402
import paddle.nn.functional as F  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

model = load_paddle_model()
x, y = fake_batch()
with paddle.no_grad():
    loss = F.cross_entropy(model(paddle.to_tensor(x)), paddle.to_tensor(y))  # as train.py (label_smoothing 0)
log = ReprodLogger()
log.add("loss", loss.numpy().reshape(1))
log.save(os.path.join(DATA, "loss_paddle.npy"))
