#!/usr/bin/env bash
# Steps 0-5 of one model's Paddle/PyTorch alignment. This file is the same text in every
# alignment/<Folder>/ (make check-copies compares them); what differs lives in the step scripts.
#
#   bash alignment/<Folder>/run_alignment.sh                  refresh the committed logs in place
#   ALIGN_OUT=/tmp/align bash alignment/<Folder>/run_alignment.sh   write every .npy and log under
#                                                             $ALIGN_OUT (what `make test` does)
#
# Layout: make_fake_data.py writes the seeded inputs and weights, then each step<N>_<name>/ runs
# paddle_<name>.py, torch_<name>.py and check_step<N>.py, each in its own process (reprod_log's
# report() adds a log handler per call). Fails unless every diff log ends in "diff check passed".
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
PY=${PYTHON:-python3}
export ALIGN_OUT=${ALIGN_OUT:-$PWD}
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
# every step script does `import common` (this folder); common.py makes the model folder and
# torch_ref/ importable, so no step script touches sys.path
export PYTHONPATH="${PWD}${PYTHONPATH:+:${PYTHONPATH}}"
mkdir -p "${ALIGN_OUT}"

run() {  # run <script>: quiet on success, the script's last lines on failure
    local out
    if ! out=$("${PY}" "$1" 2>&1); then
        echo "failed: $(basename "$PWD")/$1" >&2
        printf '%s\n' "${out}" | tail -n 30 >&2
        exit 1
    fi
}

run make_fake_data.py
for step in step*_*/; do
    step=${step%/}
    name=${step#*_}
    echo "+ ${step}"
    run "${step}/paddle_${name}.py"
    run "${step}/torch_${name}.py"
    run "${step}/check_${step%%_*}.py"
done
"${PY}" ../check_logs.py "${ALIGN_OUT}"
