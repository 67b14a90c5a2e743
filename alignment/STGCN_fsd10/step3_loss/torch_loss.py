import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402
import common  # noqa: E402
import torch  # noqa: E402
from metric import loss as cross_entropy  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

model = common.torch_model()
with torch.no_grad():
    loss = cross_entropy(model(torch.from_numpy(np.load(common.FAKE_DATA))),
                         torch.from_numpy(np.load(common.FAKE_LABEL)))
logger = ReprodLogger()
logger.add("loss", loss.numpy().reshape(1))
logger.save(common.step_path("step3_loss", "loss_torch.npy"))
