import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import common  # noqa: E402
import paddle  # noqa: E402
import paddle.nn.functional as F  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

model = common.paddle_model()
logits = model(paddle.to_tensor(np.load(common.FAKE_DATA)))
loss = F.cross_entropy(logits, paddle.to_tensor(np.load(common.FAKE_LABEL))[:, None])  # as train.py
logger = ReprodLogger()
logger.add("loss", loss.numpy().reshape(1))
logger.save(common.step_path("step3_loss", "loss_paddle.npy"))
