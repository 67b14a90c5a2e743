import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
import align_common as C  # noqa: E402

C.check(os.path.join(HERE, 'metric_torch.npy'), os.path.join(HERE, 'metric_paddle.npy'),
        os.path.join(HERE, 'metric_diff.log'))
