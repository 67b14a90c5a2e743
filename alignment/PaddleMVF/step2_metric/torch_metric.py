"""Step 2, torch_ref: MVFNet's accuracy.py top_k_accuracy / mean_class_accuracy on the same scores -> metric_torch.npy."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import torch  # noqa: E402

import common  # noqa: E402

sys.path.insert(0, common.HERE)
from torch_ref import mean_class_accuracy, top_k_accuracy  # noqa: E402

s, y = torch.from_numpy(common.fake("metric_scores")), torch.from_numpy(common.fake("metric_labels"))
common.save("step2_metric", "metric", "torch",
            {"top1_acc": top_k_accuracy(s, y, 1), "top5_acc": top_k_accuracy(s, y, 5),
             "mean_class_accuracy": mean_class_accuracy(s, y)})
