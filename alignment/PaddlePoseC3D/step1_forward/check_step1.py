import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
from common import DATA, check  # noqa: E402

check(os.path.join(DATA, "forward_torch.npy"), os.path.join(DATA, "forward_paddle.npy"),
      os.path.join(HERE, "forward_diff.log"))
