
import common

common.check("step3_loss", "loss", "loss_diff.log")
