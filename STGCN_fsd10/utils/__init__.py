"""Helpers shared by every script of this folder (one place, no copies).

Importing this package filters Paddle's import-time "No ccache found" warning (known harmless, issue 17);
the scripts also filter it in their first lines, since they import paddle before this package.
"""
import warnings

from .cpu_blas import prefer_avx2_mkl

# before the first GEMM (MKL reads the variable then): AVX2 kernels on AMD CPUs, see utils/cpu_blas.py
prefer_avx2_mkl()

warnings.filterwarnings("ignore", message="No ccache found")
