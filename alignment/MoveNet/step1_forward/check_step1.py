"""Step 1: float32 through ~60 conv/BN layers, with regression outputs of magnitude ~6: the mean diff is ~9e-7
here (float32 rounding alone: the same comparison run in float64 gives a mean diff of ~3e-12), so the bound
is 2e-6."""
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

from common import check

check('step1_forward', 'forward', 'forward_diff.log', threshold=2e-6)
