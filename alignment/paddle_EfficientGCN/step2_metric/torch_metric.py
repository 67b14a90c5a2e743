"""Step 2, torch_ref: the official Processor.eval accuracies (torch_ref/metric.py) on the fake scores."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common as C  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402

from metric import metrics  # noqa: E402

scores, labels = C.fake_scores()
logger = C.reprod_logger()
for key, value in metrics(torch.from_numpy(scores), torch.from_numpy(labels), C.NUM_CLASS).items():
    logger.add(key, np.array([value], dtype=np.float64))
logger.save(C.step_file('step2_metric', 'metric_torch.npy'))
