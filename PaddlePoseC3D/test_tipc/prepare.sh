#!/usr/bin/env bash
# Generate the TIPC mini data (seeded, no download): test_tipc/data/mini_ucf101.pkl + predict_example.pkl.
# Usage: bash test_tipc/prepare.sh test_tipc/configs/posec3d/train_infer_python.txt lite_train_lite_infer
source test_tipc/common_func.sh
FILENAME=$1
MODE=${2:-lite_train_lite_infer}
if [ ! -f "${FILENAME}" ]; then
    echo "error: config file ${FILENAME} not found, pass test_tipc/configs/posec3d/train_infer_python.txt" >&2
    exit 2
fi
dataline=$(awk 'NR>=1 && NR<=51' "${FILENAME}" | grep -v '^[[:space:]]*$')
IFS=$'\n'
lines=(${dataline})
unset IFS
model_name=$(func_parser_value "${lines[1]}")
python=${PYTHON:-$(func_parser_value "${lines[2]}")}
if [ "${MODE}" != "lite_train_lite_infer" ]; then
    echo "error: mode ${MODE} not supported, the command line, use lite_train_lite_infer (full data: see README)" >&2
    exit 2
fi
rm -rf test_tipc/data "test_tipc/output/${model_name}"
${python} datasets/mini.py --out test_tipc/data/mini_ucf101.pkl --seed 0 || exit 1
echo "prepared ${model_name} ${MODE} data in test_tipc/data"
