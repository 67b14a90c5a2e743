import common as C

C.check('step5_train_mode', 'train_mode', 'train_mode_diff.log')
