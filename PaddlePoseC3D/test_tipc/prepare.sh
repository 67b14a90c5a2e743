#!/usr/bin/env bash
# Data (and checkpoints) for one TIPC mode; no download, no pip. Run from the folder:
#   bash test_tipc/prepare.sh test_tipc/configs/posec3d/train_infer_python.txt <mode>
#   bash test_tipc/prepare.sh test_tipc/configs/posec3d/model_linux_gpu_normal_normal_paddle2onnx_python_linux_cpu.txt paddle2onnx_infer
# Every mode writes the seeded mini data (datasets/mini.py: mini_ucf101.pkl, predict_example.pkl, fixed_input.pkl)
# and the fixed checkpoint (test_tipc/make_fixed.py) into test_tipc/data/; then
#   lite_train_lite_infer     nothing more
#   lite_train_whole_infer    + whole_infer.pkl, 240 more generated videos for the inference grid
#   whole_infer               + the checkpoint of config line 37 (test_tipc/data/whole_infer/): the official
#                             UCF-101 checkpoint converted when data/<OFFICIAL_PTH> is there, else the lite chain's
#                             best model, else a short lite training
#   whole_train_whole_infer   checks that data/ucf101.pkl and the K400 weights are where the README says
#   paddle2onnx_infer         nothing more
source test_tipc/common_func.sh

FILENAME=$1
MODE=${2:-lite_train_lite_infer}
if [ "${MODE}" != "paddle2onnx_infer" ]; then check_mode "${MODE}"; fi
read_config "${FILENAME}"

DATA=test_tipc/data
OFFICIAL_PTH=slowonly_kinetics400_pretrained_r50_u48_120e_ucf101_split1_keypoint-cae8aa4a.pth
LITE_BEST=test_tipc/output/${model_name}/lite_train_lite_infer/norm_train_cpu_autocast_False/best_model

if [ "${MODE}" = "whole_train_whole_infer" ]; then  # the real data first: nothing is written without it
    if [ ! -f data/ucf101.pkl ]; then
        echo "error: UCF-101 pose pkl not found at $(pwd)/data/ucf101.pkl, download it from https://download.openmmlab.com/mmaction/posec3d/ucf101.pkl (see README: Data format)" >&2
        exit 1
    fi
    if [ ! -f data/res3d_k400.pdparams ]; then
        if [ ! -f data/k400_posec3d-041f49c6.pth ]; then
            echo "error: K400 weights not found at $(pwd)/data/k400_posec3d-041f49c6.pth, download them from https://download.openmmlab.com/mmaction/skeleton/posec3d/k400_posec3d-041f49c6.pth (see README: Weights)" >&2
            exit 1
        fi
        ${python} tools/convert_weights.py --src data/k400_posec3d-041f49c6.pth --dst data/res3d_k400.pdparams > /dev/null || exit 1
    fi
fi
mkdir -p "${DATA}"
infer_videos=0
if [ "${MODE}" = "lite_train_whole_infer" ]; then infer_videos=240; fi
${python} datasets/mini.py --out "${DATA}/mini_ucf101.pkl" --seed 0 --infer_videos ${infer_videos} > /dev/null || exit 1
${python} test_tipc/make_fixed.py > /dev/null || exit 1

case "${MODE}" in
whole_infer)
    dst=${DATA}/whole_infer
    rm -rf "${dst}" && mkdir -p "${dst}"
    if [ -f "data/${OFFICIAL_PTH}" ]; then
        ${python} tools/convert_weights.py --src "data/${OFFICIAL_PTH}" --dst "${dst}/model.pdparams" > /dev/null || exit 1
        cp configs/posec3d_r50_ucf101_split1.yaml "${dst}/config.yaml"
        echo "whole_infer: the official UCF-101 split-1 checkpoint data/${OFFICIAL_PTH}, converted"
    else
        if [ ! -f "${LITE_BEST}/model.pdparams" ]; then
            LITE_BEST=test_tipc/output/${model_name}/whole_infer_train/best_model
            rm -rf "$(dirname "${LITE_BEST}")"
            ${python} train.py --config configs/posec3d_lite.yaml --dataset_root "${DATA}/mini_ucf101.pkl" \
                --max_epochs 1 --seed 0 --device cpu --save_dir "$(dirname "${LITE_BEST}")" > /dev/null 2>&1 || exit 1
            origin="a short lite training (1 epoch, ${LITE_BEST})"
        else
            origin="the lite chain's best model (${LITE_BEST})"
        fi
        cp "${LITE_BEST}/model.pdparams" "${LITE_BEST}/config.yaml" "${dst}/"
        echo "whole_infer: no data/${OFFICIAL_PTH}, using ${origin}"
    fi
    ;;
esac
echo "prepared ${model_name} ${MODE} in ${DATA}"
