"""Let the MKL inside Paddle's CPU wheel use its AVX2 kernels on AMD CPUs (imported by utils/__init__.py).

Paddle 3.3's Linux CPU wheel bundles mklml 2019 (libmklml_intel.so), which runs a generic SSE code path on any CPU
whose vendor is not Intel. Its GEMM is behind every CPU conv2d/conv3d (im2col + GEMM), matmul and einsum of a
dygraph training step. MKL before 2020.1 reads MKL_DEBUG_CPU_TYPE at its first call, and 5 selects the AVX2 path.
Measured on the project's 2-core AMD EPYC machine at 1 thread: a 1024^3 sgemm took 78 ms and now takes 23 ms
(torch 23 ms), and a conv2d forward + backward at [8, 64, 28, 28], 3x3, took 57 ms and now takes 25 ms (torch
21 ms). Only the kernels change: results agree with the SSE path to float32 rounding.

Nothing is changed on Intel CPUs (MKL already picks its best path there, and forcing AVX2 would undo AVX-512), on
CPUs without AVX2, off Linux, or when the user has set MKL_DEBUG_CPU_TYPE.
"""
import os
import sys

VARIABLE = "MKL_DEBUG_CPU_TYPE"


def amd_with_avx2(cpuinfo: str) -> bool:
    """True when /proc/cpuinfo's text names an AMD CPU whose flags include avx2."""
    vendor = flags = ""
    for line in cpuinfo.splitlines():
        key, _, value = line.partition(":")
        key = key.strip()
        if key == "vendor_id" and not vendor:
            vendor = value.strip()
        elif key == "flags" and not flags:
            flags = value
        if vendor and flags:
            break
    return vendor == "AuthenticAMD" and "avx2" in flags.split()


def prefer_avx2_mkl() -> bool:
    """Set MKL_DEBUG_CPU_TYPE=5 for this process and its children on an AMD CPU with AVX2; True when set here."""
    if VARIABLE in os.environ or not sys.platform.startswith("linux"):
        return False
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            info = f.read(1 << 16)  # the first processor's entry is enough
    except OSError:
        return False
    if not amd_with_avx2(info):
        return False
    os.environ[VARIABLE] = "5"
    return True
