#!/usr/bin/env bash
# TIPC chain: train -> eval -> export -> inference, driven by the 51-line config.
# Usage (from the model folder):
#   bash test_tipc/test_train_inference_python.sh test_tipc/configs/<model>/train_infer_python.txt lite_train_lite_infer
# Writes test_tipc/output/<model_name>/results_python.log (one status line per step) and one log per
# inference run; exits 1 if any step failed. $PYTHON, when set, replaces the config's interpreter.
# GPU entries (gpu_list 0, --use_gpu True) run only where paddle sees a GPU; on a CPU machine they are
# reported as skipped, not as failures.
source test_tipc/common_func.sh

FILENAME=$1
MODE=${2:-lite_train_lite_infer}
read_config "${FILENAME}"
gpu_list=$(func_parser_value "${lines[3]}")
autocast_list=$(func_parser_value "${lines[5]}")
trainer_list=$(func_parser_value "${lines[14]}")
norm_trainer=$(func_parser_value "${lines[15]}")
eval_py=$(func_parser_value "${lines[23]}")
norm_export=$(func_parser_value "${lines[29]}")
inference_py=$(func_parser_value "${lines[39]}")
use_gpu_key=$(func_parser_key "${lines[40]}")
use_gpu_list=$(func_parser_value "${lines[40]}")
use_mkldnn_key=$(func_parser_key "${lines[41]}")
use_mkldnn_list=$(func_parser_value "${lines[41]}")
cpu_threads_key=$(func_parser_key "${lines[42]}")
cpu_threads_list=$(func_parser_value "${lines[42]}")
batch_size_key=$(func_parser_key "${lines[43]}")
batch_size_list=$(func_parser_value "${lines[43]}")
use_trt_key=$(func_parser_key "${lines[44]}")
use_trt_list=$(func_parser_value "${lines[44]}")
precision_key=$(func_parser_key "${lines[45]}")
precision_list=$(func_parser_value "${lines[45]}")
infer_model_key=$(func_parser_key "${lines[46]}")
infer_model=$(func_parser_value "${lines[46]}")
input_key=$(func_parser_key "${lines[47]}")
input_file=$(func_parser_value "${lines[47]}")
benchmark_key=$(func_parser_key "${lines[49]}")
benchmark_value=$(func_parser_value "${lines[49]}")
params_key=$(func_parser_key "${lines[50]}")
params_value=$(func_parser_value "${lines[50]}")

LOG_PATH="./test_tipc/output/${model_name}"
mkdir -p "${LOG_PATH}"
status_log="${LOG_PATH}/results_python.log"
rm -f "${status_log}"

have_gpu=0
if gpu_available "${python}"; then have_gpu=1; fi

run_step() {  # run_step <description> <command> <log file>
    local cmd=$2
    local log=$3
    echo "+ ${cmd}"
    eval "${cmd} > ${log} 2>&1"
    local status=$?
    tail -n 20 "${log}"
    status_check ${status} "${cmd} > ${log} 2>&1" "${status_log}"
}

func_inference() {
    local use_gpu precision batch threads mkldnn trt
    local set_benchmark set_model set_input set_params
    set_benchmark=$(func_set_params "${benchmark_key}" "${benchmark_value}")
    set_model=$(func_set_params "${infer_model_key}" "${infer_model}")
    set_input=$(func_set_params "${input_key}" "${input_file}")
    set_params=$(func_set_params "${params_key}" "${params_value}")
    IFS='|' read -r -a gpus <<< "${use_gpu_list}"
    for use_gpu in "${gpus[@]}"; do
        if [ "${use_gpu}" = "False" ] || [ "${use_gpu}" = "cpu" ]; then
            IFS='|' read -r -a mkldnns <<< "${use_mkldnn_list}"
            IFS='|' read -r -a threads_all <<< "${cpu_threads_list}"
            IFS='|' read -r -a batches <<< "${batch_size_list}"
            IFS='|' read -r -a precisions <<< "${precision_list}"
            for mkldnn in "${mkldnns[@]}"; do
                for threads in "${threads_all[@]}"; do
                    for batch in "${batches[@]}"; do
                        for precision in "${precisions[@]}"; do
                            if [ "${precision}" != "fp32" ] && [ "${mkldnn}" = "False" ]; then continue; fi
                            local log="${LOG_PATH}/python_infer_cpu_usemkldnn_${mkldnn}_threads_${threads}_precision_${precision}_batchsize_${batch}.log"
                            local cmd="${python} ${inference_py} ${use_gpu_key}=${use_gpu} ${use_mkldnn_key}=${mkldnn} ${cpu_threads_key}=${threads} ${set_model} ${batch_size_key}=${batch} ${set_input} ${set_benchmark} ${precision_key}=${precision} ${set_params}"
                            run_step infer "${cmd}" "${log}"
                        done
                    done
                done
            done
        else
            if [ ${have_gpu} -eq 0 ]; then
                echo "skip: ${use_gpu_key}=${use_gpu} lines (no GPU on this machine)"
                continue
            fi
            IFS='|' read -r -a trts <<< "${use_trt_list}"
            IFS='|' read -r -a batches <<< "${batch_size_list}"
            IFS='|' read -r -a precisions <<< "${precision_list}"
            for trt in "${trts[@]}"; do
                for precision in "${precisions[@]}"; do
                    if [ "${precision}" != "fp32" ] && [ "${trt}" = "False" ]; then continue; fi
                    for batch in "${batches[@]}"; do
                        local log="${LOG_PATH}/python_infer_gpu_usetrt_${trt}_precision_${precision}_batchsize_${batch}.log"
                        local cmd="${python} ${inference_py} ${use_gpu_key}=${use_gpu} ${use_trt_key}=${trt} ${precision_key}=${precision} ${set_model} ${batch_size_key}=${batch} ${set_input} ${set_benchmark} ${set_params}"
                        run_step infer "${cmd}" "${log}"
                    done
                done
            done
        fi
    done
}

IFS='|' read -r -a gpu_entries <<< "${gpu_list}"
IFS='|' read -r -a autocasts <<< "${autocast_list}"
IFS='|' read -r -a trainers <<< "${trainer_list}"
for gpu in "${gpu_entries[@]}"; do
    if [ "${gpu}" = "-1" ]; then
        device_flag="--device=cpu"; tag="cpu"
    else
        if [ ${have_gpu} -eq 0 ]; then
            echo "skip: gpu_list entry ${gpu} (no GPU on this machine)"
            continue
        fi
        device_flag="--device=gpu"; tag="gpus_${gpu//,/_}"
    fi
    for autocast in "${autocasts[@]}"; do
        amp_flag=""
        if [ "${autocast}" = "amp" ] || [ "${autocast}" = "fp16" ]; then
            if [ "${tag}" = "cpu" ]; then echo "skip: AMP on CPU"; continue; fi
            amp_flag="--amp=True"
        fi
        for trainer in "${trainers[@]}"; do
            if [ "${trainer}" != "norm_train" ]; then continue; fi
            if [[ "${gpu}" == *","* ]]; then
                launch="${python} -m paddle.distributed.launch --devices=${gpu}"
            else
                launch="${python}"
            fi
            train_log="${LOG_PATH}/${trainer}_${tag}_autocast_${autocast}_train.log"
            run_step train "${launch} ${norm_trainer} ${device_flag} ${amp_flag}" "${train_log}"
            if [ "${eval_py}" != "null" ] && [ -n "${eval_py}" ]; then
                run_step eval "${python} ${eval_py} ${device_flag}" "${LOG_PATH}/${trainer}_${tag}_eval.log"
            fi
            if [ "${norm_export}" != "null" ] && [ -n "${norm_export}" ]; then
                run_step export "${python} ${norm_export}" "${LOG_PATH}/${trainer}_${tag}_export.log"
            fi
            func_inference
        done
    done
done

total=$(grep -c "Run " "${status_log}" 2>/dev/null || true)
failed=$(grep -c "Run failed" "${status_log}" 2>/dev/null || true)
echo "TIPC ${model_name} ${MODE}: ${total} steps, ${failed:-0} failed (${status_log})"
if [ "${total:-0}" -eq 0 ] || [ "${failed:-0}" -ne 0 ]; then
    exit 1
fi
exit 0
