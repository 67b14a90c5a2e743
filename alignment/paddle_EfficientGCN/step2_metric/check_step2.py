import common as C

C.check('step2_metric', 'metric', 'metric_diff.log')
