
import common

common.check("step1_forward", "forward", "forward_diff.log")
