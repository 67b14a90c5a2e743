#!/usr/bin/env bash
# Prepare the TIPC data (from the model folder):
#   bash test_tipc/prepare.sh test_tipc/configs/mvf/train_infer_python.txt lite_train_lite_infer
# Generates the seeded mini UCF-101 (rawframes + UCF split files) into test_tipc/data/mini_ucf, builds
# the rawframe lists with tools/build_file_list.py, and writes one .avi + an inference input list.
set -e
FILENAME=$1
MODE=${2:-lite_train_lite_infer}
source test_tipc/common_func.sh
read_config "${FILENAME}"

if [ "${MODE}" != "lite_train_lite_infer" ]; then
    echo "error: only lite_train_lite_infer is prepared here (the full UCF-101 needs tools/build_rawframes.py)" >&2
    exit 2
fi
rm -rf test_tipc/data/mini_ucf test_tipc/data/example.avi test_tipc/data/infer_list.txt
${python} datasets/mini.py --root test_tipc/data/mini_ucf --seed 0
${python} tools/build_file_list.py --dataset_root test_tipc/data/mini_ucf
${python} - <<'PY'
import glob, os, sys
sys.path.insert(0, ".")
import numpy as np
from datasets.mini import make_clip, write_video
write_video(make_clip(1, 24, np.random.RandomState(1)), "test_tipc/data/example.avi")
with open("test_tipc/data/infer_list.txt", "w") as f:
    f.write("test_tipc/data/mini_ucf/rawframes/MoveRight/v_MoveRight_g01_c01\n")
    f.write("test_tipc/data/example.avi\n")
PY
echo "TIPC data ready in test_tipc/data"
