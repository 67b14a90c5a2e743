#!/usr/bin/env bash
# The files each model folder carries as its own copy on purpose (a folder must work alone) must
# stay one text. Fails, naming the file and the folders that differ, when a copy drifts.
#   bash tools/check_copies.sh            (make check-copies)
set -u
cd "$(dirname "$0")/.."
FOLDERS=${FOLDERS:-"STGCN_fsd10 PaddlePoseC3D paddle_EfficientGCN PaddleMVF MoveNet"}
COPIED="test_tipc/common_func.sh test_tipc/test_train_inference_python.sh test_tipc/test_paddle2onnx.sh
test_tipc/compare_results.py tests/test_tipc_chain.py utils/auto_log.py utils/fail_fast.py utils/config_schema.py
utils/atomic_io.py utils/cpu_blas.py tests/test_cpu_blas.py"
status=0
check() {  # check <description> <file>...: all files exist and are byte-identical
    local what=$1; shift
    local sums
    sums=$(for file in "$@"; do
        if [ -f "${file}" ]; then echo "$(md5sum < "${file}" | cut -c1-12) ${file}"; else echo "missing ${file}"; fi
    done)
    if [[ "${sums}" == *missing* ]] || [ "$(echo "${sums}" | cut -d' ' -f1 | sort -u | wc -l)" -ne 1 ]; then
        echo "copies differ: ${what}"
        echo "${sums}" | sed 's/^/    /'
        status=1
    fi
}
for rel in ${COPIED}; do
    files=()
    for f in ${FOLDERS}; do [ -d "${f}" ] && files+=("${f}/${rel}"); done
    check "${rel}" "${files[@]}"
done
files=()
for f in ${FOLDERS}; do [ -d "alignment/${f}" ] && files+=("alignment/${f}/run_alignment.sh"); done
check "alignment/<Folder>/run_alignment.sh" "${files[@]}"
if [ ${status} -eq 0 ]; then echo "check-copies: every copied file is identical in all folders"; fi
exit ${status}
