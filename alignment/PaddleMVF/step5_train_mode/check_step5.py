import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402

common.check("step5_train_mode", "train_mode", "train_mode_diff.log")
