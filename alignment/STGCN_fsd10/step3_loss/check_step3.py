

from common import check

check("step3_loss", "loss", "loss_diff.log")
