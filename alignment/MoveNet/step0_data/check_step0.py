"""Step 0: every key must agree exactly up to float rounding (images are uint8/float32 of integers: exact)."""
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

from common import check

check('step0_data', 'data', 'data_diff.log', threshold=1e-6)
