#!/usr/bin/env bash
# TIPC paddle2onnx chain: export a fixed checkpoint with Paddle, convert it with the paddle2onnx
# command, run ONNX Runtime and Paddle Inference through infer.py on the same input and require
# equal predictions (within the compare tolerances), then the committed expected results.
# The same text in every model folder (`make check-copies`).
#
#   bash test_tipc/prepare.sh test_tipc/configs/<model>/model_linux_gpu_normal_normal_paddle2onnx_python_linux_cpu.txt paddle2onnx_infer
#   bash test_tipc/test_paddle2onnx.sh test_tipc/configs/<model>/model_linux_gpu_normal_normal_paddle2onnx_python_linux_cpu.txt
#
# Writes test_tipc/output/<model_name>/paddle2onnx/results_paddle2onnx.log; exits 1 when a step failed.
source test_tipc/common_func.sh

FILENAME=$1
read_config "${FILENAME}"
# ---- paddle2onnx_params (lines 3-10)
paddle2onnx_cmd=$(func_parser_value "${lines[3]}")
paddle2onnx_cmd=${paddle2onnx_cmd# }
model_dir_key=$(func_parser_key "${lines[4]}")
model_dir=$(func_parser_value "${lines[4]}")
model_filename_key=$(func_parser_key "${lines[5]}")
model_filename=$(func_parser_value "${lines[5]}")
params_filename_key=$(func_parser_key "${lines[6]}")
params_filename=$(func_parser_value "${lines[6]}")
save_file_key=$(func_parser_key "${lines[7]}")
save_file=$(func_parser_value "${lines[7]}")
opset_key=$(func_parser_key "${lines[8]}")
opset_value=$(func_parser_value "${lines[8]}")
checker_key=$(func_parser_key "${lines[9]}")
checker_value=$(func_parser_value "${lines[9]}")
# ---- onnx inference (lines 11-15)
inference_py=$(func_parser_value "${lines[10]}")
config_key=$(func_parser_key "${lines[11]}")
config_value=$(func_parser_value "${lines[11]}")
onnx_file_key=$(func_parser_key "${lines[12]}")
input_key=$(func_parser_key "${lines[13]}")
input_value=$(func_parser_value "${lines[13]}")
save_results_key=$(func_parser_key "${lines[14]}")
# ---- export_params (lines 17-22)
export_py=$(func_parser_value "${lines[16]}")
export_weight_key=$(func_parser_key "${lines[17]}")
export_weight=$(func_parser_value "${lines[17]}")
export_dir_key=$(func_parser_key "${lines[18]}")
expected_results=$(func_parser_value "${lines[19]}")
compare_py=$(func_parser_value "${lines[20]}")

LOG_PATH="./test_tipc/output/${model_name}/paddle2onnx"
rm -rf "${LOG_PATH}"
mkdir -p "${LOG_PATH}"
status_log="${LOG_PATH}/results_paddle2onnx.log"
set_config=$(func_set_params "${config_key}" "${config_value}")
# pip puts the paddle2onnx command beside the interpreter, which is not always on PATH
if ! command -v "${paddle2onnx_cmd%% *}" > /dev/null 2>&1; then
    beside=$("${python}" -c 'import os, sys; print(os.path.join(os.path.dirname(sys.executable), "paddle2onnx"))')
    if [ -x "${beside}" ]; then paddle2onnx_cmd="${beside}${paddle2onnx_cmd#paddle2onnx}"; fi
fi

# 1. the Paddle inference model (no ONNX: the paddle2onnx command below makes it)
run_step "${python} ${export_py} ${export_weight_key}=${export_weight} ${export_dir_key}=${model_dir} --onnx=False" \
    "${LOG_PATH}/export.log" "${status_log}"
# 2. paddle2onnx
run_step "${paddle2onnx_cmd} $(func_set_params "${model_dir_key}" "${model_dir}") $(func_set_params "${model_filename_key}" "${model_filename}") $(func_set_params "${params_filename_key}" "${params_filename}") $(func_set_params "${save_file_key}" "${save_file}") $(func_set_params "${opset_key}" "${opset_value}") $(func_set_params "${checker_key}" "${checker_value}")" \
    "${LOG_PATH}/paddle2onnx.log" "${status_log}"
# 3. the same input through Paddle Inference and ONNX Runtime
run_step "${python} ${inference_py} ${set_config} --backend=paddle --model_dir=${model_dir} ${input_key}=${input_value} ${save_results_key}=${LOG_PATH}/paddle.json" \
    "${LOG_PATH}/infer_paddle.log" "${status_log}"
run_step "${python} ${inference_py} ${set_config} --backend=onnxruntime ${onnx_file_key}=${save_file} --model_dir=${model_dir} ${input_key}=${input_value} ${save_results_key}=${LOG_PATH}/onnxruntime.json" \
    "${LOG_PATH}/infer_onnxruntime.log" "${status_log}"
# 4. ONNX Runtime equals Paddle Inference, and both equal the committed results
run_step "${python} ${compare_py} --expected=${LOG_PATH}/paddle.json --actual=${LOG_PATH}/onnxruntime.json" \
    "${LOG_PATH}/compare_paddle_onnxruntime.log" "${status_log}"
if [ "${expected_results}" != "null" ]; then
    run_step "${python} ${compare_py} --expected=${expected_results} --actual=${LOG_PATH}/onnxruntime.json" \
        "${LOG_PATH}/compare_expected.log" "${status_log}"
fi
summarize "${status_log}" "${model_name} paddle2onnx"
