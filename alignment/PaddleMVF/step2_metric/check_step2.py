import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common  # noqa: E402

common.report(os.path.dirname(os.path.abspath(__file__)), "metric", "metric_diff.log")
