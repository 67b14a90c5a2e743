"""Step 2, torch_ref: the official Processor.eval accuracies (torch_ref/metric.py) on the fake scores."""
import numpy as np
import torch

import common as C
from torch_ref.metric import metrics

scores, labels = C.fake_scores()
logger = C.reprod_logger()
for key, value in metrics(torch.from_numpy(scores), torch.from_numpy(labels), C.NUM_CLASS).items():
    logger.add(key, np.array([value], dtype=np.float64))
logger.save(C.step_file('step2_metric', 'metric_torch.npy'))
