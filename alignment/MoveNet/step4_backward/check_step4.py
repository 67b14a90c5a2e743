import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

from common import check

check('step4_backward', 'bp_align', 'bp_align_diff.log')
