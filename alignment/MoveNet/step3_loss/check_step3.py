import os
import sys

sys.dont_write_bytecode = True  # nothing but OUT is written (no __pycache__ in the tree)
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import check  # noqa: E402

check('step3_loss', 'loss', 'loss_diff.log')
