
import common

common.check("step2_metric", "metric", "metric_diff.log")
