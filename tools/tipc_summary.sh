#!/usr/bin/env bash
# One table for the TIPC chains of a `make tipc-all` / `make tipc-onnx` run: folder, steps run,
# failed, seconds, where the log is. Reads the timing file the Makefile wrote (folder seconds rc).
#   bash tools/tipc_summary.sh <timings file> <mode|paddle2onnx>
# Exits 1 when any chain failed or ran no step.
set -u
cd "$(dirname "$0")/.."
timings=$1
mode=$2
status=0
printf '\n%-20s %-24s %6s %7s %8s  %s\n' "folder" "chain" "steps" "failed" "seconds" "log"
while read -r folder seconds rc; do
    if [ "${mode}" = "paddle2onnx" ]; then
        log=$(ls "${folder}"/test_tipc/output/*/paddle2onnx/results_paddle2onnx.log 2>/dev/null | head -n 1)
    else
        log=$(ls "${folder}"/test_tipc/output/*/"${mode}"/results_python.log 2>/dev/null | head -n 1)
    fi
    steps=0; failed=0
    if [ -n "${log}" ]; then
        steps=$(grep -c "Run " "${log}" || true)
        failed=$(grep -c "Run failed" "${log}" || true)
    fi
    if [ "${rc}" -ne 0 ] || [ "${steps}" -eq 0 ] || [ "${failed}" -ne 0 ]; then status=1; fi
    [ "${rc}" -ne 0 ] && [ "${failed}" -eq 0 ] && failed="rc=${rc}"
    printf '%-20s %-24s %6s %7s %8s  %s\n' "${folder}" "${mode}" "${steps}" "${failed}" "${seconds}" "${log:-(none)}"
done < "${timings}"
exit ${status}
