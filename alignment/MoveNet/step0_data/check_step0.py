"""Step 0: every key must agree exactly up to float rounding (images are uint8/float32 of integers: exact)."""
import os
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import check  # noqa: E402

check('step0_data', 'data', 'data_diff.log', threshold=1e-6)
