import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)

from common import check

check('step5_train_mode', 'train_mode', 'train_mode_diff.log')
