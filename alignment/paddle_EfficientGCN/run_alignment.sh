#!/usr/bin/env bash
# Steps 1-4 of the Paddle/PyTorch alignment, each script in its own process; fails unless all four logs pass.
# Run from anywhere: bash alignment/paddle_EfficientGCN/run_alignment.sh
set -e
cd "$(dirname "$0")"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
PY=${PYTHON:-python}
$PY step1_forward/make_fake_data.py
for step in "step1_forward torch_forward paddle_forward check_step1" \
            "step2_metric torch_metric paddle_metric check_step2" \
            "step3_loss torch_loss paddle_loss check_step3" \
            "step4_backward torch_train paddle_train check_step4"; do
    set -- $step
    $PY "$1/$2.py"
    $PY "$1/$3.py"
    $PY "$1/$4.py" > /dev/null 2>&1
done
status=0
for log in step1_forward/forward_diff.log step2_metric/metric_diff.log step3_loss/loss_diff.log \
           step4_backward/bp_align_diff.log; do
    last=$(tail -n 1 "$log")
    echo "$log: $last"
    [[ "$last" == *"diff check passed" ]] || status=1
done
exit $status
