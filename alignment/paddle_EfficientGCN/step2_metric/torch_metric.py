import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import align_common as C  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
from reprod_log import ReprodLogger  # noqa: E402

sys.path.insert(0, HERE)
from fake_scores import fake_scores  # noqa: E402
from torch_ref.egcn_torch import metrics  # noqa: E402

scores, labels = fake_scores()
m = metrics(torch.from_numpy(scores), torch.from_numpy(labels), C.NUM_CLASS)
logger = ReprodLogger()
for k, v in m.items():
    logger.add(k, np.array([v], dtype=np.float64))
logger.save(os.path.join(HERE, 'metric_torch.npy'))
