"""Step 0: every key must match; the pipelines run the same integer/cv2 operations, so the diffs are 0."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402

common.check("step0_data", "data", "data_diff.log")
