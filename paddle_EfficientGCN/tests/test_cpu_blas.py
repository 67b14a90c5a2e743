"""utils/cpu_blas.py: MKL_DEBUG_CPU_TYPE=5 only on an AMD CPU with AVX2 (Linux /proc/cpuinfo), never over a user's value."""
import importlib

AMD = "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\nflags\t\t: fpu sse2 avx avx2 fma\n\n" \
      "processor\t: 1\nvendor_id\t: AuthenticAMD\n"
INTEL = AMD.replace("AuthenticAMD", "GenuineIntel").replace("AMD EPYC", "Intel Xeon")
OLD_AMD = AMD.replace(" avx2", "")


def test_amd_with_avx2_reads_vendor_and_flags():
    from utils.cpu_blas import amd_with_avx2
    assert amd_with_avx2(AMD)
    assert not amd_with_avx2(INTEL)
    assert not amd_with_avx2(OLD_AMD)
    assert not amd_with_avx2("")


def test_prefer_avx2_mkl_sets_only_on_amd_and_keeps_a_user_value(monkeypatch, tmp_path):
    cpu_blas = importlib.import_module("utils.cpu_blas")
    monkeypatch.setattr(cpu_blas.sys, "platform", "linux")
    real_open = open
    for text, expected in ((AMD, "5"), (INTEL, None), (OLD_AMD, None)):
        info = tmp_path / "cpuinfo"
        info.write_text(text)
        monkeypatch.setattr(cpu_blas, "open", lambda path, *a, **k: real_open(info, *a, **k), raising=False)
        monkeypatch.delenv(cpu_blas.VARIABLE, raising=False)
        assert cpu_blas.prefer_avx2_mkl() == (expected is not None)
        assert cpu_blas.os.environ.get(cpu_blas.VARIABLE) == expected
    monkeypatch.setenv(cpu_blas.VARIABLE, "0")
    info.write_text(AMD)
    assert not cpu_blas.prefer_avx2_mkl()
    assert cpu_blas.os.environ[cpu_blas.VARIABLE] == "0"
