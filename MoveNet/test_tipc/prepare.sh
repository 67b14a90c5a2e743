#!/usr/bin/env bash
# Prepare the data of a MoveNet TIPC mode (no downloads, no pip; everything generated is seeded).
#   bash test_tipc/prepare.sh test_tipc/configs/movenet/train_infer_python.txt <mode>
#   bash test_tipc/prepare.sh test_tipc/configs/movenet/model_linux_gpu_normal_normal_paddle2onnx_python_linux_cpu.txt paddle2onnx_infer
# Modes:
#   lite_train_lite_infer   mini stick-figure COCO set through the real crop tool (40 train / 12 val images),
#                           4 whole images for inference, the fixed checkpoint + input (test_tipc/make_fixed.py)
#   lite_train_whole_infer  the same + 300 whole images for the inference grid (test_tipc/data/whole/infer)
#   whole_infer             the checkpoint of config line 37: the converted official one when data/official/ holds a
#                           movenet.pytorch .pth, else the lite chain's best model, else a short lite training
#   whole_train_whole_infer the real COCO crops must be in data/cropped (README "Data format"); else exit 1
#   paddle2onnx_infer       the fixed checkpoint + input
source test_tipc/common_func.sh

FILENAME=$1
MODE=${2:-lite_train_lite_infer}
read_config "${FILENAME}"
if [ "${MODE}" != "paddle2onnx_infer" ]; then check_mode "${MODE}"; fi
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1}
DATA=./test_tipc/data
set -e

mini() {  # the mini set and the 4-image inference folder (regenerated: seeded, a few seconds)
    ${python} tools/make_mini_data.py --out_dir ${DATA}/mini --num_train 40 --num_val 12 --seed 0 > /dev/null
    ${python} tools/make_mini_data.py --infer_dir ${DATA}/mini/infer --num_infer 4 --seed 1 > /dev/null
}
fixed() {  # deterministic: the lite modes rewrite it, the others reuse it when present
    if [ "$1" = "reuse" ] && [ -f ${DATA}/fixed/model.pdparams ] && [ -f ${DATA}/fixed/config.yaml ] && [ -d ${DATA}/fixed/imgs ]; then return; fi
    ${python} test_tipc/make_fixed.py --out_dir ${DATA}/fixed > /dev/null
}

case "${MODE}" in
    lite_train_lite_infer)
        mini; fixed
        echo "prepared ${model_name} ${MODE}: ${DATA}/mini (crops, infer/), ${DATA}/fixed" ;;
    lite_train_whole_infer)
        mini; fixed
        ${python} tools/make_mini_data.py --infer_dir ${DATA}/whole/infer --num_infer 300 --seed 2 > /dev/null
        echo "prepared ${model_name} ${MODE}: ${DATA}/mini, ${DATA}/whole/infer (300 images), ${DATA}/fixed" ;;
    whole_infer)
        if [ ! -d ${DATA}/mini/infer ]; then mini; fi
        fixed reuse
        target=${DATA}/whole_infer
        official=$(ls data/official/e118_valacc0.79805.pth data/official/*.pth 2>/dev/null | head -n 1 || true)
        lite=./test_tipc/output/${model_name}/lite_train_lite_infer/norm_train_cpu_autocast_False/best_model
        rm -rf ${target}; mkdir -p ${target}
        if [ -n "${official}" ]; then
            ${python} tools/convert_weights.py --src "${official}" --dst ${target}/model.pdparams > /dev/null
            cp configs/movenet_coco.yaml ${target}/config.yaml
            echo "whole_infer: the official checkpoint ${official}, converted into ${target}/model.pdparams"
        elif [ -f ${lite}/model.pdparams ] && [ -f ${lite}/config.yaml ]; then
            cp ${lite}/model.pdparams ${lite}/config.yaml ${target}/
            echo "whole_infer: no official checkpoint in data/official/, using the lite chain's best model ${lite}"
        else
            ${python} train.py --config configs/movenet_lite.yaml --dataset_root ${DATA}/mini/cropped --max_epochs 1 \
                --save_dir ${DATA}/whole_infer_train --device cpu > ${DATA}/whole_infer_train.log 2>&1
            cp ${DATA}/whole_infer_train/best_model/model.pdparams ${DATA}/whole_infer_train/best_model/config.yaml ${target}/
            echo "whole_infer: no official checkpoint in data/official/ and no lite chain output, trained 1 lite epoch into ${target}"
        fi ;;
    whole_train_whole_infer)
        root=./data/cropped
        for need in ${root}/train2017.json ${root}/val2017.json ${root}/imgs; do
            if [ ! -e "${need}" ]; then
                echo "error: ${need} not found: download COCO 2017 train/val images and person_keypoints annotations from https://cocodataset.org/#download into data/coco, then run python scripts/make_coco_crops.py (README 'Data format')" >&2
                exit 1
            fi
        done
        fixed reuse
        ${python} - <<'PY'
import json, os, shutil
out = './test_tipc/data/whole_train/infer'
shutil.rmtree(out, ignore_errors=True)
os.makedirs(out)
with open('./data/cropped/val2017.json') as f:
    names = [item['img_name'] for item in json.load(f)][:500]
for name in names:
    shutil.copy(os.path.join('./data/cropped/imgs', name), out)
print(f'{len(names)} val crops for inference in {out}')
PY
        echo "prepared ${model_name} ${MODE}: ${root} (real COCO crops), ${DATA}/whole_train/infer" ;;
    paddle2onnx_infer)
        fixed reuse
        echo "prepared ${model_name} ${MODE}: ${DATA}/fixed" ;;
    *)
        echo "error: unknown mode '${MODE}', use lite_train_lite_infer, lite_train_whole_infer, whole_infer, whole_train_whole_infer or paddle2onnx_infer" >&2
        exit 2 ;;
esac
