#!/usr/bin/env bash
# Generates the TIPC mini data (no download): raw NTU .skeleton files with datasets/mini.py, then the real
# reader (tools/ntu_reader.py) turns them into test_tipc/data/npy/original/ntu-xsub/{train,eval}_data.npy + .pkl.
# Usage: bash test_tipc/prepare.sh test_tipc/configs/EfficientGCN/train_infer_python.txt lite_train_lite_infer
set -e
source test_tipc/common_func.sh
FILENAME=$1
MODE=${2:-lite_train_lite_infer}
read_config "${FILENAME}"
if [ "${MODE}" != "lite_train_lite_infer" ]; then
    echo "error: only lite_train_lite_infer is supported (the full NTU data must be generated with tools/ntu_reader.py)" >&2
    exit 2
fi
rm -rf ./test_tipc/data ./test_tipc/output/${model_name}
${python} datasets/mini.py --out_dir ./test_tipc/data/ntu_raw --seed 0
${python} tools/ntu_reader.py --raw_dirs ./test_tipc/data/ntu_raw --out_root ./test_tipc/data/npy \
    --benchmark ntu-xsub --progress False
echo "prepared ${model_name} ${MODE} data in ./test_tipc/data"
