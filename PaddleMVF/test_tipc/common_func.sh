#!/usr/bin/env bash
# Helpers for the TIPC chains (sourced by prepare.sh, test_train_inference_python.sh and
# test_paddle2onnx.sh). The same text in every model folder; `make check-copies` compares them.
#
# A config line is "key:value". A value holds no ':'; alternatives are separated by '|'; a value
# of the form "mode1=v1|mode2=v2" is picked by the chain's MODE (func_parser_params).

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

# func_parser_params <line> <mode>: the value for MODE when the value is "mode=v|mode=v", the value
# itself when it names no mode, "null" when it names modes but not this one.
func_parser_params() {
    local value choice
    value=$(func_parser_value "$1")
    if [[ "${value}" != *"_infer="* ]]; then
        echo "${value}"
        return
    fi
    IFS="|" read -r -a choices <<< "${value}"
    for choice in "${choices[@]}"; do
        if [ "${choice%%=*}" = "$2" ]; then
            echo "${choice#*=}"
            return
        fi
    done
    echo "null"
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

# read_config <config>: `lines` gets every non-blank line (banners and '##' count, as in the
# 51-line layout); sets model_name and python ($PYTHON wins over the config's interpreter).
read_config() {
    local file=$1
    if [ ! -f "${file}" ]; then
        echo "error: config file ${file} not found, pass test_tipc/configs/<model>/<config>.txt" >&2
        exit 2
    fi
    mapfile -t lines < <(grep -v '^[[:space:]]*$' "${file}")
    model_name=$(func_parser_value "${lines[1]}")
    python=${PYTHON:-$(func_parser_value "${lines[2]}")}
}

# check_mode <mode>: exit 2 with one line unless MODE is one of the four TIPC modes.
check_mode() {
    case "$1" in
        lite_train_lite_infer|lite_train_whole_infer|whole_infer|whole_train_whole_infer) ;;
        *) echo "error: unknown mode '$1', use lite_train_lite_infer, lite_train_whole_infer, whole_infer or whole_train_whole_infer" >&2
           exit 2 ;;
    esac
}

# status_check <exit code> <command> <results log> [<step log>]: one standard line per step,
# printed and appended; on failure the step log's last lines are printed too.
status_check() {
    local last_status=$1
    local run_command=$2
    local run_log=$3
    local step_log=${4:-}
    if [ "${last_status}" -eq 0 ]; then
        echo -e "\033[33m Run successfully with command - ${run_command}!  \033[0m" | tee -a "${run_log}"
    else
        echo -e "\033[33m Run failed with command - ${run_command}!  \033[0m" | tee -a "${run_log}"
        if [ -n "${step_log}" ] && [ -f "${step_log}" ]; then
            tail -n 20 "${step_log}"
        fi
    fi
}

# run_step <command> <step log> <results log>: run a command with its output in its own log.
run_step() {
    local cmd=$1
    local log=$2
    local results=$3
    eval "${cmd} > ${log} 2>&1"
    status_check $? "${cmd} > ${log} 2>&1" "${results}" "${log}"
}

# True when this machine can run the GPU lines: a CUDA build of paddle and a visible GPU.
gpu_available() {
    "${1:-python}" - <<'PY' >/dev/null 2>&1
import sys
import warnings
warnings.filterwarnings("ignore", message="No ccache found")
import paddle
sys.exit(0 if paddle.is_compiled_with_cuda() and paddle.device.cuda.device_count() > 0 else 1)
PY
}

# summarize <results log> <title>: the last line of a chain; exit status 1 when a step failed or none ran.
summarize() {
    local total failed
    total=$(grep -c "Run " "$1" 2>/dev/null || true)
    failed=$(grep -c "Run failed" "$1" 2>/dev/null || true)
    echo "TIPC $2: ${total:-0} steps, ${failed:-0} failed ($1)"
    [ "${total:-0}" -gt 0 ] && [ "${failed:-0}" -eq 0 ]
}
