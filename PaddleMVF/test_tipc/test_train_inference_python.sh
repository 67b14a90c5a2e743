#!/usr/bin/env bash
# TIPC chain: train -> eval -> export -> [quantise] -> inference grid -> checked results, every
# command built from the config's key:value lines, values picked by MODE. The same text in every
# model folder (`make check-copies`); what differs lives in the config and prepare.sh.
#
#   bash test_tipc/prepare.sh <config> <mode>
#   bash test_tipc/test_train_inference_python.sh <config> <mode>
#
# MODE: lite_train_lite_infer | lite_train_whole_infer | whole_infer | whole_train_whole_infer.
# Writes test_tipc/output/<model_name>/<MODE>/results_python.log, one standard status line per
# step, and one log per step beside it; exits 1 when any step failed. $PYTHON, when set,
# replaces the config's interpreter. GPU lines run only where paddle sees a GPU.
source test_tipc/common_func.sh

FILENAME=$1
MODE=${2:-lite_train_lite_infer}
check_mode "${MODE}"
read_config "${FILENAME}"

# ---- train_params (config lines 4-16)
gpu_list=$(func_parser_value "${lines[3]}")
device_key=$(func_parser_key "${lines[4]}")
device_list=$(func_parser_value "${lines[4]}")
autocast_key=$(func_parser_key "${lines[5]}")
autocast_list=$(func_parser_value "${lines[5]}")
epoch_key=$(func_parser_key "${lines[6]}")
epoch_value=$(func_parser_params "${lines[6]}" "${MODE}")
save_model_key=$(func_parser_key "${lines[7]}")
batch_key=$(func_parser_key "${lines[8]}")
batch_value=$(func_parser_params "${lines[8]}" "${MODE}")
pretrain_key=$(func_parser_key "${lines[9]}")
pretrain_value=$(func_parser_params "${lines[9]}" "${MODE}")
train_model_name=$(func_parser_value "${lines[10]}")
dataset_key=$(func_parser_key "${lines[11]}")
dataset_value=$(func_parser_params "${lines[11]}" "${MODE}")
train_param_key1=$(func_parser_key "${lines[12]}")
train_param_value1=$(func_parser_params "${lines[12]}" "${MODE}")
trainer_list=$(func_parser_value "${lines[14]}")
norm_trainer=$(func_parser_value "${lines[15]}")
# ---- eval_params (lines 24-25)
eval_py=$(func_parser_value "${lines[23]}")
eval_weight_key=$(func_parser_key "${lines[24]}")
# ---- infer_params: export (lines 28-39)
save_infer_key=$(func_parser_key "${lines[27]}")
export_weight_key=$(func_parser_key "${lines[28]}")
norm_export=$(func_parser_value "${lines[29]}")
quant_export=$(func_parser_value "${lines[30]}")
infer_model_list=$(func_parser_params "${lines[36]}" "${MODE}")
infer_export=$(func_parser_value "${lines[37]}")
infer_quant=$(func_parser_params "${lines[38]}" "${MODE}")
# ---- infer_params: inference (lines 40-51)
inference_py=$(func_parser_value "${lines[39]}")
use_gpu_key=$(func_parser_key "${lines[40]}")
use_gpu_list=$(func_parser_value "${lines[40]}")
use_mkldnn_key=$(func_parser_key "${lines[41]}")
use_mkldnn_list=$(func_parser_value "${lines[41]}")
cpu_threads_key=$(func_parser_key "${lines[42]}")
cpu_threads_list=$(func_parser_value "${lines[42]}")
infer_batch_key=$(func_parser_key "${lines[43]}")
infer_batch_list=$(func_parser_value "${lines[43]}")
use_trt_key=$(func_parser_key "${lines[44]}")
use_trt_list=$(func_parser_value "${lines[44]}")
precision_key=$(func_parser_key "${lines[45]}")
precision_list=$(func_parser_value "${lines[45]}")
model_file_key=$(func_parser_key "${lines[46]}")
model_file_name=$(func_parser_value "${lines[46]}")
input_key=$(func_parser_key "${lines[47]}")
input_value=$(func_parser_params "${lines[47]}" "${MODE}")
save_results_key=$(func_parser_key "${lines[48]}")
benchmark_key=$(func_parser_key "${lines[49]}")
benchmark_value=$(func_parser_value "${lines[49]}")
params_file_key=$(func_parser_key "${lines[50]}")
params_file_name=$(func_parser_value "${lines[50]}")
# ---- result_check_params (lines 53-56, after the 51-line layout)
fixed_model=$(func_parser_value "${lines[52]}")
fixed_input=$(func_parser_value "${lines[53]}")
expected_results=$(func_parser_value "${lines[54]}")
compare_py=$(func_parser_value "${lines[55]}")

LOG_PATH="./test_tipc/output/${model_name}/${MODE}"
mkdir -p "${LOG_PATH}"
status_log="${LOG_PATH}/results_python.log"
rm -f "${status_log}"
have_gpu=0
if gpu_available "${python}"; then have_gpu=1; fi

# func_inference <export dir> <tag>: the inference grid of lines 41-46 on the export in <dir>,
# each run writing its predictions to a json; then every fp32 run is compared with the first
# (oneDNN on/off, threads and batch size must not change a prediction), int8 by class agreement.
func_inference() {
    local infer_dir=$1 tag=$2
    local set_model set_params set_input set_benchmark use_gpu mkldnn threads batch precision trt
    set_model=$(func_set_params "${model_file_key}" "${infer_dir}/${model_file_name}")
    set_params=$(func_set_params "${params_file_key}" "${infer_dir}/${params_file_name}")
    set_input=$(func_set_params "${input_key}" "${input_value}")
    set_benchmark=$(func_set_params "${benchmark_key}" "${benchmark_value}")
    local first_fp32="" results name log cmd backend
    IFS='|' read -r -a gpus <<< "${use_gpu_list}"
    IFS='|' read -r -a mkldnns <<< "${use_mkldnn_list}"
    IFS='|' read -r -a threads_all <<< "${cpu_threads_list}"
    IFS='|' read -r -a batches <<< "${infer_batch_list}"
    IFS='|' read -r -a precisions <<< "${precision_list}"
    IFS='|' read -r -a trts <<< "${use_trt_list}"
    for use_gpu in "${gpus[@]}"; do
        if [ "${use_gpu}" = "False" ] || [ "${use_gpu}" = "cpu" ]; then
            for mkldnn in "${mkldnns[@]}"; do
                for threads in "${threads_all[@]}"; do
                    for batch in "${batches[@]}"; do
                        for precision in "${precisions[@]}"; do
                            backend="--backend=paddle"
                            if [ "${precision}" = "int8" ]; then
                                # int8 on CPU runs through ONNX Runtime (tools/quantize.py), once per
                                # threads x batch: the oneDNN switch does not apply to it
                                if [ "${infer_quant}" != "True" ] || [ "${mkldnn}" != "${mkldnns[0]}" ]; then continue; fi
                                backend="--backend=onnxruntime"
                            elif [ "${precision}" != "fp32" ]; then
                                continue  # fp16/bf16 exist only where the hardware has them (GPU lines)
                            fi
                            name="python_infer_cpu_${tag}usemkldnn_${mkldnn}_threads_${threads}_precision_${precision}_batchsize_${batch}"
                            results="${LOG_PATH}/${name}.json"
                            cmd="${python} ${inference_py} ${backend} ${use_gpu_key}=${use_gpu} ${use_mkldnn_key}=${mkldnn} ${cpu_threads_key}=${threads} ${set_model} ${set_params} ${infer_batch_key}=${batch} ${set_input} ${set_benchmark} ${precision_key}=${precision} ${save_results_key}=${results}"
                            run_step "${cmd}" "${LOG_PATH}/${name}.log" "${status_log}"
                            if [ "${precision}" = "fp32" ] && [ -z "${first_fp32}" ]; then
                                first_fp32=${results}
                            elif [ -n "${first_fp32}" ]; then
                                local agree=""
                                if [ "${precision}" = "int8" ]; then agree="--class_agreement=0.9"; fi
                                run_step "${python} ${compare_py} --expected=${first_fp32} --actual=${results} ${agree}" \
                                    "${LOG_PATH}/${name}_compare.log" "${status_log}"
                            fi
                        done
                    done
                done
            done
        else
            if [ ${have_gpu} -eq 0 ]; then
                echo "skip: ${use_gpu_key}=${use_gpu} lines (no GPU on this machine)"
                continue
            fi
            for trt in "${trts[@]}"; do
                for precision in "${precisions[@]}"; do
                    if [ "${precision}" != "fp32" ] && [ "${trt}" = "False" ]; then continue; fi
                    for batch in "${batches[@]}"; do
                        name="python_infer_gpu_${tag}usetrt_${trt}_precision_${precision}_batchsize_${batch}"
                        cmd="${python} ${inference_py} --backend=paddle ${use_gpu_key}=${use_gpu} ${use_trt_key}=${trt} ${precision_key}=${precision} ${set_model} ${set_params} ${infer_batch_key}=${batch} ${set_input} ${set_benchmark} ${save_results_key}=${LOG_PATH}/${name}.json"
                        run_step "${cmd}" "${LOG_PATH}/${name}.log" "${status_log}"
                    done
                done
            done
        fi
    done
}

# func_export <weights> <export dir> <export command>: export, then quantise when MODE asks for int8.
func_export() {
    local weights=$1 out_dir=$2 export_cmd=$3
    run_step "${python} ${export_cmd} ${export_weight_key}=${weights} ${save_infer_key}=${out_dir}" \
        "${LOG_PATH}/$(basename "${out_dir}")_export.log" "${status_log}"
    if [ "${infer_quant}" = "True" ] && [ "${quant_export}" != "null" ]; then
        run_step "${python} ${quant_export} --model_dir=${out_dir} --calib_data=${input_value}" \
            "${LOG_PATH}/$(basename "${out_dir}")_quant.log" "${status_log}"
    fi
}

# func_check_results: a fixed checkpoint on a fixed input must give the committed predictions, on
# Paddle Inference with oneDNN on and off and on ONNX Runtime (tolerances in the expected file).
func_check_results() {
    if [ "${fixed_model}" = "null" ] || [ -z "${fixed_model}" ]; then return; fi
    local out_dir="${LOG_PATH}/fixed_inference" variant name
    run_step "${python} ${norm_export} ${export_weight_key}=${fixed_model} ${save_infer_key}=${out_dir}" \
        "${LOG_PATH}/fixed_export.log" "${status_log}"
    for variant in "--backend=paddle ${use_mkldnn_key}=True" "--backend=paddle ${use_mkldnn_key}=False" "--backend=onnxruntime"; do
        name="fixed_$(echo "${variant}" | tr -c 'a-zA-Z0-9_\n' '_' | tr -s '_' | sed 's/^_//;s/_$//')"
        run_step "${python} ${inference_py} ${variant} ${use_gpu_key}=False ${model_file_key}=${out_dir}/${model_file_name} ${params_file_key}=${out_dir}/${params_file_name} ${input_key}=${fixed_input} ${save_results_key}=${LOG_PATH}/${name}.json" \
            "${LOG_PATH}/${name}.log" "${status_log}"
        run_step "${python} ${compare_py} --expected=${expected_results} --actual=${LOG_PATH}/${name}.json" \
            "${LOG_PATH}/${name}_compare.log" "${status_log}"
    done
}

if [ "${MODE}" = "whole_infer" ]; then
    # no training: export each checkpoint of line 37 (prepare.sh put it there) and infer
    IFS='|' read -r -a infer_models <<< "${infer_model_list}"
    index=0
    for infer_model in "${infer_models[@]}"; do
        if [ "${infer_export}" = "null" ]; then
            infer_dir=${infer_model}  # already an export directory
        else
            infer_dir="${LOG_PATH}/whole_infer_${index}"
            func_export "${infer_model}" "${infer_dir}" "${infer_export}"
        fi
        func_inference "${infer_dir}" "model${index}_"
        index=$((index + 1))
    done
else
    IFS='|' read -r -a gpu_entries <<< "${gpu_list}"
    IFS='|' read -r -a devices <<< "${device_list}"
    IFS='|' read -r -a autocasts <<< "${autocast_list}"
    IFS='|' read -r -a trainers <<< "${trainer_list}"
    for g in "${!gpu_entries[@]}"; do
        gpu=${gpu_entries[$g]}
        device=${devices[$g]:-${devices[0]}}
        if [ "${gpu}" = "-1" ]; then
            tag="cpu"
        elif [ ${have_gpu} -eq 0 ]; then
            echo "skip: gpu_list entry ${gpu} (no GPU on this machine)"
            continue
        else
            tag="gpus_${gpu//,/_}"
        fi
        launch="${python}"
        if [[ "${gpu}" == *","* ]]; then launch="${python} -m paddle.distributed.launch --devices=${gpu}"; fi
        for autocast in "${autocasts[@]}"; do
            if [ "${autocast}" = "True" ] && [ "${tag}" = "cpu" ]; then echo "skip: ${autocast_key}=True on CPU"; continue; fi
            for trainer in "${trainers[@]}"; do
                if [ "${trainer}" != "norm_train" ]; then continue; fi
                save_dir="${LOG_PATH}/${trainer}_${tag}_autocast_${autocast}"
                weights="${save_dir}/${train_model_name}"
                set_dataset=$(func_set_params "${dataset_key}" "${dataset_value}")
                cmd="${launch} ${norm_trainer} $(func_set_params "${device_key}" "${device}") $(func_set_params "${autocast_key}" "${autocast}")"
                cmd+=" $(func_set_params "${epoch_key}" "${epoch_value}") $(func_set_params "${batch_key}" "${batch_value}")"
                cmd+=" $(func_set_params "${pretrain_key}" "${pretrain_value}") ${set_dataset}"
                cmd+=" $(func_set_params "${train_param_key1}" "${train_param_value1}") ${save_model_key}=${save_dir}"
                rm -rf "${save_dir}"
                run_step "${cmd}" "${save_dir}_train.log" "${status_log}"
                if [ "${eval_py}" != "null" ]; then
                    run_step "${python} ${eval_py} $(func_set_params "${device_key}" "${device}") ${eval_weight_key}=${weights} ${set_dataset}" \
                        "${save_dir}_eval.log" "${status_log}"
                fi
                if [ "${norm_export}" != "null" ]; then
                    func_export "${weights}" "${save_dir}/inference" "${norm_export}"
                    func_inference "${save_dir}/inference" ""
                fi
            done
        done
    done
fi
func_check_results
summarize "${status_log}" "${model_name} ${MODE}"
