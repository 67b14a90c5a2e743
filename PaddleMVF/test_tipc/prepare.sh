#!/usr/bin/env bash
# Prepare what a TIPC mode needs (no download, no pip install); run from the model folder:
#   bash test_tipc/prepare.sh test_tipc/configs/MVF/train_infer_python.txt <mode>
#   bash test_tipc/prepare.sh test_tipc/configs/MVF/model_linux_gpu_normal_normal_paddle2onnx_python_linux_cpu.txt paddle2onnx_infer
# lite_train_lite_infer   the seeded mini UCF-101 (datasets/mini.py: rawframes + split files, rawframe lists by
#                         tools/build_file_list.py), an inference list (one rawframes folder + one .avi) and the
#                         fixed checkpoint and input (test_tipc/make_fixed.py)
# lite_train_whole_infer  the same + a generated inference set of 240 videos (test_tipc/data/whole/infer_list.txt)
# whole_infer             the same as lite + the checkpoint of line 37: the seed's UCF-101 model when
#                         pretrained/best_model_e50_s1.pdparams holds it, else the lite chain's best model, else a
#                         1-epoch lite training (one line says which)
# whole_train_whole_infer checks that UCF-101 is in data/ucf101 (exit 1 with one line if not)
# paddle2onnx_infer       the fixed checkpoint and input
set -e
source test_tipc/common_func.sh

FILENAME=$1
MODE=${2:-lite_train_lite_infer}
read_config "${FILENAME}"

DATA=./test_tipc/data
OFFICIAL=./pretrained/best_model_e50_s1.pdparams   # the seed's UCF-101 split-1 model (a Paddle checkpoint)
UCF=./data/ucf101
LITE_BEST="./test_tipc/output/${model_name}/lite_train_lite_infer/norm_train_cpu_autocast_False/best_model"

mini() {
    rm -rf "${DATA}/mini_ucf"
    ${python} datasets/mini.py --root "${DATA}/mini_ucf" --seed 0 > /dev/null
    ${python} tools/build_file_list.py --dataset_root "${DATA}/mini_ucf" > /dev/null
    ${python} - <<'PY'
import numpy as np

from datasets.mini import make_clip, write_video

write_video(make_clip(1, 24, np.random.RandomState(1)), "test_tipc/data/example.avi")
with open("test_tipc/data/infer_list.txt", "w") as f:
    f.write("mini_ucf/rawframes/MoveRight/v_MoveRight_g01_c01\nexample.avi\n")
PY
}
fixed() {
    ${python} test_tipc/make_fixed.py --out_dir "${DATA}/fixed" > /dev/null
}

case "${MODE}" in
    lite_train_lite_infer)
        mini; fixed ;;
    lite_train_whole_infer)
        mini; fixed
        rm -rf "${DATA}/whole"
        ${python} datasets/mini.py --root "${DATA}/whole" --groups 30 --clips 2 --seed 1 > /dev/null
        (cd "${DATA}/whole" && find rawframes -mindepth 2 -maxdepth 2 -type d | sort > infer_list.txt) ;;
    whole_infer)
        mini; fixed
        target="${DATA}/whole_infer"
        rm -rf "${target}"; mkdir -p "${target}"
        if [ -f "${OFFICIAL}" ]; then
            cp "${OFFICIAL}" "${target}/model.pdparams"
            cp configs/mvf_r50_16x4_ucf101.yaml "${target}/config.yaml"
            echo "whole_infer checkpoint: the seed's ${OFFICIAL} with configs/mvf_r50_16x4_ucf101.yaml (30-view test: slow on CPU)"
        elif [ -f "${LITE_BEST}/model.pdparams" ]; then
            cp "${LITE_BEST}/model.pdparams" "${LITE_BEST}/config.yaml" "${target}/"
            echo "whole_infer checkpoint: the lite chain's best model ${LITE_BEST} (no ${OFFICIAL})"
        else
            save="./test_tipc/output/${model_name}/whole_infer_train"
            ${python} train.py --config=configs/mvf_r50_lite.yaml --dataset_root="${DATA}/mini_ucf" --device=cpu \
                --max_epochs=1 --eval_interval=1 --save_dir="${save}" > /dev/null
            cp "${save}/best_model/model.pdparams" "${save}/best_model/config.yaml" "${target}/"
            echo "whole_infer checkpoint: a 1-epoch lite training in ${save} (no ${OFFICIAL}, no lite chain output)"
        fi ;;
    whole_train_whole_infer)
        for f in ucf101_train_split_1_rawframes.txt ucf101_val_split_1_rawframes.txt rawframes infer_list.txt; do
            if [ ! -e "${UCF}/${f}" ]; then
                echo "error: ${UCF}/${f} not found, whole_train_whole_infer trains on the real UCF-101: download UCF101.rar and UCF101TrainTestSplits-RecognitionTask.zip from https://www.crcv.ucf.edu/data/UCF101.php, then run tools/build_rawframes.py and tools/build_file_list.py into ${UCF} and list the videos to infer in ${UCF}/infer_list.txt (README.md, Data)" >&2
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
