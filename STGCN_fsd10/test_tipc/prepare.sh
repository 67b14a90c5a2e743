#!/usr/bin/env bash
# Prepare the TIPC data: generate the seeded mini FSD-10 set (no download, no pip install).
# Usage (from the model folder): bash test_tipc/prepare.sh test_tipc/configs/STGCN/train_infer_python.txt lite_train_lite_infer
set -e
source test_tipc/common_func.sh

FILENAME=$1
MODE=${2:-lite_train_lite_infer}
read_config "${FILENAME}"
trainer_list=$(func_parser_value "${lines[14]}")

case "${MODE}" in
    lite_train_lite_infer|lite_train_whole_infer|whole_infer)
        rm -rf ./test_tipc/data/mini "./test_tipc/output/${model_name}"
        ${python} datasets/mini.py --out_dir ./test_tipc/data/mini --num_train 140 --num_test 14 --frames 120 --seed 0
        ;;
    *)
        echo "error: mode ${MODE} needs the real FSD-10 files in data/fsd10 (see README.md, Data), only lite modes are generated" >&2
        exit 2
        ;;
esac
echo "prepared ${MODE} data for ${model_name} (trainers: ${trainer_list})"
