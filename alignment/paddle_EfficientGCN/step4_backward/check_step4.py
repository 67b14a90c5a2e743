import common as C

C.check('step4_backward', 'bp_align', 'bp_align_diff.log')
