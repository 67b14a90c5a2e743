import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import DATA, fake_batch, load_paddle_model  # noqa: E402

import paddle  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

model = load_paddle_model()
x, _ = fake_batch()
with paddle.no_grad():
    logits = model(paddle.to_tensor(x)).numpy()
log = ReprodLogger()
log.add("logits", logits)
log.save(os.path.join(DATA, "forward_paddle.npy"))
