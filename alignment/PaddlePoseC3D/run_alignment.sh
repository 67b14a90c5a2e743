#!/usr/bin/env bash
# Steps 1-4 (forward, metric, loss, backward), each side in its own process; fails unless every log's last
# line ends in "diff check passed". Run from anywhere: bash alignment/PaddlePoseC3D/run_alignment.sh
set -e
cd "$(dirname "$0")"
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
PY=${PYTHON:-python}
run() { "${PY}" "$1" > /dev/null 2>&1 || { echo "failed: $1" >&2; "${PY}" "$1" 2>&1 | tail -20; exit 1; }; }
run step1_forward/make_fake_data.py
run step1_forward/torch_forward.py
run step1_forward/paddle_forward.py
run step1_forward/check_step1.py
run step2_metric/torch_metric.py
run step2_metric/paddle_metric.py
run step2_metric/check_step2.py
run step3_loss/torch_loss.py
run step3_loss/paddle_loss.py
run step3_loss/check_step3.py
run step4_backward/torch_backward.py
run step4_backward/paddle_backward.py
run step4_backward/check_step4.py
status=0
for log in step1_forward/forward_diff.log step2_metric/metric_diff.log step3_loss/loss_diff.log \
           step4_backward/bp_align_diff.log; do
    if tail -n 1 "${log}" | grep -q "diff check passed$"; then
        echo "${log}: diff check passed"
    else
        echo "${log}: FAILED" >&2
        tail -n 5 "${log}" >&2
        status=1
    fi
done
exit ${status}
