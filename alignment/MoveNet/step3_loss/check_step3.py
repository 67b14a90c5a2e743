import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from common import HERE, check  # noqa: E402

d = os.path.join(HERE, 'step3_loss')
check(os.path.join(d, 'loss_torch.npy'), os.path.join(d, 'loss_paddle.npy'), os.path.join(d, 'loss_diff.log'))
