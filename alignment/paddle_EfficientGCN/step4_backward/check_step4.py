import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
import common as C  # noqa: E402

C.check('step4_backward', 'bp_align', 'bp_align_diff.log')
