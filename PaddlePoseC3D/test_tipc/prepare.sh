#!/usr/bin/env bash
# Generate the TIPC mini data (seeded, no download): test_tipc/data/mini_ucf101.pkl + predict_example.pkl.
# Usage: bash test_tipc/prepare.sh test_tipc/configs/posec3d/train_infer_python.txt lite_train_lite_infer
source test_tipc/common_func.sh
FILENAME=$1
MODE=${2:-lite_train_lite_infer}
read_config "${FILENAME}"
if [ "${MODE}" != "lite_train_lite_infer" ]; then
    echo "error: mode ${MODE} is not supported by prepare.sh, use lite_train_lite_infer (the full UCF-101 pkl: see README)" >&2
    exit 2
fi
rm -rf test_tipc/data "test_tipc/output/${model_name}"
${python} datasets/mini.py --out test_tipc/data/mini_ucf101.pkl --seed 0 || exit 1
echo "prepared ${model_name} ${MODE} data in test_tipc/data"
