#!/usr/bin/env bash
# Fails when a chain's terminal output holds the notes a user should not see (issue 17): Paddle's
# "No ccache found", its pass names ("--- Running IR pass [...]", "--- Running analysis [...]") or
# glog lines ("I1130 19:51:14.123456 12345 file.cc:12] ..."). The chains' own per-step logs are
# not checked here, only what `make tipc-*` prints.
#   bash tools/check_quiet.sh <captured output>
set -u
out=$1
noise=$(grep -nE 'ccache|--- Running (IR pass|analysis)|^[IWE][0-9]{4} [0-9:.]+ +[0-9]+ ' "${out}" | head -n 5)
if [ -n "${noise}" ]; then
    echo "error: the chain printed Paddle's internal notes (first lines of ${out}):"
    echo "${noise}" | sed 's/^/    /'
    exit 1
fi
