

from common import check

check("step2_metric", "metric", "metric_diff.log")
