
import common

common.check("step5_train_mode", "train_mode", "train_mode_diff.log")
