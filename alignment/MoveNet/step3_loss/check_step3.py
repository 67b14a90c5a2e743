import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

from common import check

check('step3_loss', 'loss', 'loss_diff.log')
