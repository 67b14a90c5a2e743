

from common import check

check("step5_train_mode", "train_mode", "train_mode_diff.log")
