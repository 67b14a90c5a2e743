"""Step 0: every key must match; the pipelines run the same integer/cv2 operations, so the diffs are 0."""

import common

common.check("step0_data", "data", "data_diff.log")
