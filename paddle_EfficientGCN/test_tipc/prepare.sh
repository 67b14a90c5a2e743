#!/usr/bin/env bash
# Data and checkpoints of each TIPC mode (no download, no pip), from the folder:
#   bash test_tipc/prepare.sh test_tipc/configs/EfficientGCN/train_infer_python.txt <mode>
#   bash test_tipc/prepare.sh test_tipc/configs/EfficientGCN/model_linux_gpu_normal_normal_paddle2onnx_python_linux_cpu.txt paddle2onnx_infer
# lite_train_lite_infer   mini NTU (.skeleton files of datasets/mini.py -> tools/ntu_reader.py, seeded) and the
#                         fixed checkpoint/input of the result check (test_tipc/make_fixed.py)
# lite_train_whole_infer  the same + a larger generated inference set (360 x-sub eval samples) at the line-48 path
# whole_infer             the same mini data + the checkpoint of line 37 (test_tipc/data/whole_infer/): the
#                         official one converted when it is in pretrained/ (README, Weights), else the lite
#                         chain's best model, else a short lite training
# whole_train_whole_infer the real NTU x-sub data of configs/2001.yaml (README, Data format); exit 1 without it
# paddle2onnx_infer       the fixed checkpoint and input
set -e
source test_tipc/common_func.sh
FILENAME=$1
MODE=${2:-lite_train_lite_infer}
read_config "${FILENAME}"
if [ "${MODE}" != "paddle2onnx_infer" ]; then check_mode "${MODE}"; fi

OFFICIAL=./pretrained/2001_EfficientGCN-B0_ntu-xsub.pth.tar   # README, Weights: the official B0 x-sub checkpoint
REAL_DATA=./data/npy_dataset/original/ntu-xsub                 # configs/2001.yaml dataset_args.dataset_root
WHOLE_INFER=./test_tipc/data/whole_infer

# up_to_date <file> <source>...: the generated file exists and is newer than the code that writes it
up_to_date() {
    local target=$1 src
    [ -f "${target}" ] || return 1
    shift
    for src in "$@"; do [ "${target}" -nt "${src}" ] || return 1; done
}

mini_data() {  # deterministic (seeded): regenerated only when missing or older than its generators
    if ! up_to_date ./test_tipc/data/npy/original/ntu-xsub/eval_label.pkl datasets/mini.py datasets/ntu_skeleton.py; then
        ${python} datasets/mini.py --out_dir ./test_tipc/data/ntu_raw --seed 0 > /dev/null
        ${python} tools/ntu_reader.py --raw_dirs ./test_tipc/data/ntu_raw --out_root ./test_tipc/data/npy \
            --benchmark ntu-xsub --progress False > /dev/null
    fi
    if ! up_to_date ./test_tipc/data/fixed/input.npy test_tipc/make_fixed.py configs/lite.yaml models/*.py; then
        ${python} test_tipc/make_fixed.py
    fi
}

whole_infer_checkpoint() {
    local lite_best=./test_tipc/output/${model_name}/lite_train_lite_infer/norm_train_cpu_autocast_False/best_model
    rm -rf "${WHOLE_INFER}"
    mkdir -p "${WHOLE_INFER}"
    if [ -f "${OFFICIAL}" ]; then
        ${python} tools/convert_weights.py --src "${OFFICIAL}" --dst "${WHOLE_INFER}/model.pdparams" > /dev/null
        ${python} -c "import sys; from utils.config import load_config, save_config; save_config(load_config('configs/2001.yaml'), sys.argv[1])" "${WHOLE_INFER}"
        echo "whole_infer checkpoint: the official ${OFFICIAL}, converted (config 2001)"
    elif [ -f "${lite_best}/model.pdparams" ]; then
        cp "${lite_best}/model.pdparams" "${lite_best}/config.yaml" "${WHOLE_INFER}/"
        echo "whole_infer checkpoint: the lite chain's best model (${lite_best}); put the official checkpoint at ${OFFICIAL} to use it"
    else
        ${python} train.py --config configs/lite.yaml --max_epochs 1 --eval_interval 1 --progress False \
            --save_dir ./test_tipc/output/${model_name}/whole_infer_lite_train > /dev/null
        cp ./test_tipc/output/${model_name}/whole_infer_lite_train/best_model/{model.pdparams,config.yaml} "${WHOLE_INFER}/"
        echo "whole_infer checkpoint: a 1-epoch lite training (no official checkpoint at ${OFFICIAL}, no lite chain run yet)"
    fi
}

case "${MODE}" in
    lite_train_lite_infer|paddle2onnx_infer)
        mini_data ;;
    lite_train_whole_infer)
        mini_data
        # 12 subjects (10 of them x-sub eval subjects) x 3 cameras x 3 replications x 4 actions
        ${python} -c "from datasets.mini import generate_mini; generate_mini('./test_tipc/data/whole_raw', seed=1, subjects=(1, 2, 3, 6, 7, 10, 11, 12, 20, 21, 22, 23), replications=(1, 2, 3))"
        ${python} tools/ntu_reader.py --raw_dirs ./test_tipc/data/whole_raw --out_root ./test_tipc/data/whole \
            --benchmark ntu-xsub --progress False > /dev/null
        echo "lite_train_whole_infer: $(${python} -c "import numpy as np; print(len(np.load('./test_tipc/data/whole/original/ntu-xsub/eval_data.npy', mmap_mode='r')))") inference samples in ./test_tipc/data/whole/original/ntu-xsub" ;;
    whole_infer)
        mini_data
        whole_infer_checkpoint ;;
    whole_train_whole_infer)
        if [ ! -f "${REAL_DATA}/train_data.npy" ] || [ ! -f "${REAL_DATA}/eval_data.npy" ]; then
            echo "error: NTU RGB+D x-sub data not found in ${REAL_DATA}: download the skeletons from https://rose1.ntu.edu.sg/dataset/actionRecognition/ and run python tools/ntu_reader.py (README, Quick start)" >&2
            exit 1
        fi
        mini_data ;;
esac
echo "prepared ${model_name} ${MODE} in ./test_tipc/data"
