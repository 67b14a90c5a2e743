import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import check  # noqa: E402

check("step1_forward", "forward", "forward_diff.log")
