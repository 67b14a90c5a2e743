#!/usr/bin/env bash
# Steps 1-4 of the Paddle/PyTorch alignment for STGCN_fsd10, each script in its own process.
# Usage (from anywhere): bash alignment/STGCN_fsd10/run_alignment.sh
# Exits non-zero unless every diff log's last line ends in "diff check passed".
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} PYTHONWARNINGS=ignore
run() { echo "+ $*"; "${PY}" "$@" > /dev/null 2>&1 || { echo "failed: $*"; "${PY}" "$@"; exit 1; }; }
run step1_forward/make_fake_data.py
run step1_forward/paddle_forward.py
run step1_forward/torch_forward.py
run step1_forward/check_step1.py
run step2_metric/paddle_metric.py
run step2_metric/torch_metric.py
run step2_metric/check_step2.py
run step3_loss/paddle_loss.py
run step3_loss/torch_loss.py
run step3_loss/check_step3.py
run step4_backward/paddle_backward.py
run step4_backward/torch_backward.py
run step4_backward/check_step4.py
status=0
for log in step1_forward/forward_diff.log step2_metric/metric_diff.log step3_loss/loss_diff.log \
           step4_backward/bp_align_diff.log; do
    last=$(tail -n 1 "${log}")
    echo "${log}: ${last##*INFO: }"
    [[ "${last}" == *"diff check passed" ]] || status=1
done
exit ${status}
