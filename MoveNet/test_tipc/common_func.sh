#!/usr/bin/env bash
# Helpers for reading the 51-line TIPC config (test_tipc/configs/<model>/train_infer_python.txt).
# A line is "key:value"; values hold no ':' and alternatives are separated by '|'.

func_parser_key() {
    local strs=$1
    IFS=":" read -r -a array <<< "${strs}"
    echo "${array[0]}"
}

func_parser_value() {
    local strs=$1
    IFS=":" read -r -a array <<< "${strs}"
    echo "${array[1]}"
}

# read_config <config>: `lines` gets the config's first 51 lines minus blank ones (banners and '##'
# count, as in the 51-line layout); sets model_name and python ($PYTHON wins over the config's).
read_config() {
    local file=$1
    if [ ! -f "${file}" ]; then
        echo "error: config file ${file} not found, pass test_tipc/configs/<model>/train_infer_python.txt" >&2
        exit 2
    fi
    mapfile -t lines < <(awk 'NR>=1 && NR<=51' "${file}" | grep -v '^[[:space:]]*$')
    model_name=$(func_parser_value "${lines[1]}")
    python=${PYTHON:-$(func_parser_value "${lines[2]}")}
}

# "key=value", or " " when the key or the value is null/empty (the flag is then left out).
func_set_params() {
    local key=$1
    local value=$2
    if [ "${key}" = "null" ] || [ "${value}" = "null" ] || [ -z "${value// /}" ]; then
        echo " "
    else
        echo "${key}=${value}"
    fi
}

# Pick the entry of "mode1=v1|mode2=v2" that belongs to MODE.
func_parser_params() {
    local strs=$1
    local mode=$2
    IFS=":" read -r -a array <<< "${strs}"
    local key=${array[0]}
    IFS="|" read -r -a choices <<< "${array[1]}"
    local choice
    for choice in "${choices[@]}"; do
        if [ "${choice%%=*}" = "${mode}" ]; then
            echo "${key}=${choice#*=}"
            return
        fi
    done
    echo " "
}

# status_check <exit code> <command> <results log>: one line per step, printed and appended.
status_check() {
    local last_status=$1
    local run_command=$2
    local run_log=$3
    if [ "${last_status}" -eq 0 ]; then
        echo -e "\033[33m Run successfully with command - ${run_command}!  \033[0m" | tee -a "${run_log}"
    else
        echo -e "\033[33m Run failed with command - ${run_command}!  \033[0m" | tee -a "${run_log}"
    fi
}

# True when this machine can run the GPU lines: a CUDA build of paddle and a visible GPU.
gpu_available() {
    "${1:-python}" - <<'PY' >/dev/null 2>&1
import sys
import paddle
sys.exit(0 if paddle.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0 else 1)
PY
}
