#!/usr/bin/env bash
# Prepare the TIPC data: writes the seeded mini stick-figure COCO set and converts it with the real crop tool.
# Usage (from the MoveNet folder): bash test_tipc/prepare.sh test_tipc/configs/movenet/train_infer_python.txt lite_train_lite_infer
source test_tipc/common_func.sh

FILENAME=$1
MODE=${2:-lite_train_lite_infer}
read_config "${FILENAME}"
trainer_list=$(func_parser_value "${lines[14]}")

if [ "${MODE}" != "lite_train_lite_infer" ]; then
    echo "error: mode ${MODE} is not supported, only lite_train_lite_infer (see test_tipc/docs)" >&2
    exit 2
fi
rm -rf ./test_tipc/data/mini ./test_tipc/output/${model_name}
set -e
OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} ${python} datasets/mini.py --out_dir ./test_tipc/data/mini --num_train 40 --num_val 12 --seed 0
echo "prepared ${model_name} (${trainer_list}) data in ./test_tipc/data/mini"
