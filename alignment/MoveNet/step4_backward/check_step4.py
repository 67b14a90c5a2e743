import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import HERE, check  # noqa: E402

d = os.path.join(HERE, 'step4_backward')
check(os.path.join(d, 'bp_align_torch.npy'), os.path.join(d, 'bp_align_paddle.npy'), os.path.join(d, 'bp_align_diff.log'))
