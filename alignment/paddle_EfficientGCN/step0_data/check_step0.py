import common as C

C.check('step0_data', 'data', 'data_diff.log')
