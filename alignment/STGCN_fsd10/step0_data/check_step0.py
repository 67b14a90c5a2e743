

from common import check

check("step0_data", "data", "data_diff.log")
