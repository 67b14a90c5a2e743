"""Step 2, reference: torch_ref/metric.py (PaddleVideo SkeletonMetric with test batch 1, checked equal to
yysijie REC_Processor.show_topk) on the same scores."""


import numpy as np
import torch

import common
from torch_ref.metric import mean_class_accuracy, show_topk, skeleton_metric_topk

scores = torch.from_numpy(np.load(common.FAKE_SCORES))
labels = torch.from_numpy(np.load(common.FAKE_SCORE_LABELS))
logger = common.logger()
for k in (1, 5):
    value = skeleton_metric_topk(scores, labels, k, batch_size=1)
    assert value == show_topk(scores, labels, k), "PaddleVideo and yysijie top-k disagree"
    logger.add(f"top{k}_acc", np.array([value]))
logger.add("mean_class_accuracy", np.array([mean_class_accuracy(scores, labels)]))
logger.save(common.step_file("step2_metric", "metric_torch.npy"))
