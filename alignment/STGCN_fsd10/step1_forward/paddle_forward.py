import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import common  # noqa: E402
import paddle  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

model = common.paddle_model()
logger = ReprodLogger()
logger.add("logits", model(paddle.to_tensor(np.load(common.FAKE_DATA))).numpy())
logger.save(common.step_path("step1_forward", "forward_paddle.npy"))
