import common as C

C.check('step1_forward', 'forward', 'forward_diff.log')
