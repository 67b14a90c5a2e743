
import common

common.check("step4_backward", "bp_align", "bp_align_diff.log")
