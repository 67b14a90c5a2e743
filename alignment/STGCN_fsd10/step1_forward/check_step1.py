

from common import check

check("step1_forward", "forward", "forward_diff.log")
