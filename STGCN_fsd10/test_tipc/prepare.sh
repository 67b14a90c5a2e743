#!/usr/bin/env bash
# Prepare what a TIPC mode needs (no download, no pip install); run from the model folder:
#   bash test_tipc/prepare.sh test_tipc/configs/STGCN/train_infer_python.txt <mode>
#   bash test_tipc/prepare.sh test_tipc/configs/STGCN/model_linux_gpu_normal_normal_paddle2onnx_python_linux_cpu.txt paddle2onnx_infer
# lite_train_lite_infer   the seeded mini set (datasets/mini.py) + the fixed checkpoint and input (make_fixed.py)
# lite_train_whole_infer  the same + a generated inference set of 300 samples in test_tipc/data/whole
# whole_infer             the same + the checkpoint of line 37: the official one when data/pretrained holds it,
#                         else the lite chain's best model, else a 1-epoch lite training (one line says which)
# whole_train_whole_infer checks that the FSD-10 files are in data/fsd10 (exit 1 with one line if not)
# paddle2onnx_infer       the fixed checkpoint and input
set -e
source test_tipc/common_func.sh

FILENAME=$1
MODE=${2:-lite_train_lite_infer}
read_config "${FILENAME}"

DATA=./test_tipc/data
OFFICIAL=./data/pretrained/STGCN_fsd.pdparams   # PaddleVideo's release (a Paddle checkpoint: no conversion)
FSD10=./data/fsd10
LITE_BEST="./test_tipc/output/${model_name}/lite_train_lite_infer/norm_train_cpu_autocast_False/best_model"

mini() {
    ${python} datasets/mini.py --out_dir "${DATA}/mini" --num_train 140 --num_test 14 --frames 120 --seed 0 > /dev/null
}
fixed() {
    ${python} test_tipc/make_fixed.py --out_dir "${DATA}/fixed" > /dev/null
}

case "${MODE}" in
    lite_train_lite_infer)
        mini; fixed ;;
    lite_train_whole_infer)
        mini; fixed
        ${python} datasets/mini.py --out_dir "${DATA}/whole" --num_train 7 --num_test 300 --frames 120 --seed 1 > /dev/null ;;
    whole_infer)
        mini; fixed
        target="${DATA}/whole_infer"
        rm -rf "${target}"; mkdir -p "${target}"
        if [ -f "${OFFICIAL}" ]; then
            cp "${OFFICIAL}" "${target}/model.pdparams"
            cp configs/stgcn_fsd10_w350.yaml "${target}/config.yaml"
            echo "whole_infer checkpoint: the official ${OFFICIAL} (PaddleVideo STGCN_fsd.pdparams) with configs/stgcn_fsd10_w350.yaml"
        elif [ -f "${LITE_BEST}/model.pdparams" ]; then
            cp "${LITE_BEST}/model.pdparams" "${LITE_BEST}/config.yaml" "${target}/"
            echo "whole_infer checkpoint: the lite chain's best model ${LITE_BEST} (no ${OFFICIAL})"
        else
            save="./test_tipc/output/${model_name}/whole_infer_train"
            ${python} train.py --config=configs/stgcn_fsd10_lite.yaml --dataset_root="${DATA}/mini" --device=cpu \
                --max_epochs=1 --save_dir="${save}" > /dev/null
            cp "${save}/best_model/model.pdparams" "${save}/best_model/config.yaml" "${target}/"
            echo "whole_infer checkpoint: a 1-epoch lite training in ${save} (no ${OFFICIAL}, no lite chain output)"
        fi ;;
    whole_train_whole_infer)
        for f in train_data.npy train_label.npy test_A_data.npy; do
            if [ ! -f "${FSD10}/${f}" ]; then
                echo "error: ${FSD10}/${f} not found, whole_train_whole_infer trains on the real FSD-10 files: download them from https://www.datafountain.cn/competitions/519 (or https://videotag.bj.bcebos.com/Data/FSD_train_data.npy and FSD_train_label.npy, see README.md, Data) into ${FSD10}" >&2
                exit 1
            fi
        done ;;
    paddle2onnx_infer)
        fixed ;;
    *)
        echo "error: unknown mode '${MODE}', use lite_train_lite_infer, lite_train_whole_infer, whole_infer, whole_train_whole_infer or paddle2onnx_infer" >&2
        exit 2 ;;
esac
echo "prepared ${MODE} for ${model_name}"
