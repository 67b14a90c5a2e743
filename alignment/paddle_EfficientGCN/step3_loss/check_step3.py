import common as C

C.check('step3_loss', 'loss', 'loss_diff.log')
