#!/usr/bin/env bash
# Steps 1-4 of the reproduction alignment, each side in its own process (from the project root):
#   bash alignment/PaddleMVF/run_alignment.sh
# Exits non-zero unless the last line of every diff log ends in "diff check passed".
set -e
cd "$(dirname "$0")"
PY=${PYTHON:-python}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
$PY step1_forward/make_fake_data.py
for step in "step1_forward forward check_step1" "step2_metric metric check_step2" \
            "step3_loss loss check_step3" "step4_backward backward check_step4"; do
    set -- $step
    $PY "$1/paddle_$2.py"
    $PY "$1/torch_$2.py"
    $PY "$1/$3.py"
done
status=0
for log in step1_forward/forward_diff.log step2_metric/metric_diff.log step3_loss/loss_diff.log \
           step4_backward/bp_align_diff.log; do
    if tail -n 1 "$log" | grep -q "diff check passed$"; then
        echo "$log: passed"
    else
        echo "$log: FAILED"; status=1
    fi
done
exit $status
