"""The FSD-10 transforms by hand, each against PaddleVideo paddlevideo/loader/pipelines/skeleton_pipeline.py."""
import numpy as np

from datasets.transforms import AutoPadding, Compose, Iden, SkeletonNorm, valid_length


def ramp_sample(t_total: int, t_valid: int) -> np.ndarray:
    """[3, T, 25, 1]: frame k holds the value k + 1 on every joint and channel, zeros after t_valid."""
    x = np.zeros((3, t_total, 25, 1), dtype=np.float32)
    x[:, :t_valid] = (np.arange(t_valid) + 1)[None, :, None, None]
    return x


def test_valid_length_uses_positive_frame_sums():
    """AutoPadding.get_frame_num: the clip ends at the last frame whose sum over C, V, M is > 0."""
    x = ramp_sample(10, 6)
    assert valid_length(x) == 6
    x[:, 5] = -1.0  # a frame whose sum is <= 0 counts as padding, as in PaddleVideo
    assert valid_length(x) == 5


def test_autopadding_pads_short_samples():
    """AutoPadding.__call__, T < window: np.zeros((C, W, V, M)) (float64) with the clip at the start."""
    out = AutoPadding(window_size=8)(ramp_sample(10, 6))
    assert out.shape == (3, 8, 25, 1) and out.dtype == np.float64
    assert np.allclose(out[0, :, 0, 0], [1, 2, 3, 4, 5, 6, 0, 0])


def test_autopadding_samples_first_to_last_valid_frame():
    """Our documented deviation from AutoPadding.__call__ (linspace(0, T, W)): linspace(0, T - 1, W)."""
    out = AutoPadding(window_size=3)(ramp_sample(10, 6))
    assert np.allclose(out[0, :, 0, 0], [1, 3, 6])  # frames 0, 2, 5 = linspace(0, 5, 3)


def test_autopadding_legacy_endpoint_reads_padding():
    """legacy_endpoint: AutoPadding.__call__'s np.linspace(0, T, window_size).astype("int64")."""
    out = AutoPadding(window_size=3, legacy_endpoint=True)(ramp_sample(10, 6))
    assert np.allclose(out[0, :, 0, 0], [1, 4, 0])  # linspace(0, 6, 3) = 0, 3, 6: frame 6 is padding
    # no padding in the file: PaddleVideo raised IndexError, the legacy mode reads a zero frame
    out = AutoPadding(window_size=3, legacy_endpoint=True)(ramp_sample(6, 6))
    assert np.allclose(out[0, :, 0, 0], [1, 4, 0])


def test_autopadding_exact_window_keeps_frames():
    """AutoPadding.__call__, T == window: data[:, :window]."""
    x = ramp_sample(10, 6)
    assert np.array_equal(AutoPadding(window_size=6)(x), x[:, :6])


def test_skeleton_norm_centres_on_mid_hip_and_drops_confidence():
    """SkeletonNorm.__call__: data - data[:, :, 8:9, :] on every channel, then data[:axis=2], float32."""
    x = np.random.RandomState(0).rand(3, 4, 25, 1)
    out = SkeletonNorm()(x)
    assert out.shape == (2, 4, 25, 1) and out.dtype == np.float32
    assert np.allclose(out[:, :, 8], 0)
    assert np.allclose(out[:, :, 3], x[:2, :, 3] - x[:2, :, 8])


def test_compose_order():
    out = Compose([AutoPadding(4), SkeletonNorm()])(ramp_sample(10, 2).astype(np.float64))
    assert out.shape == (2, 4, 25, 1) and out.dtype == np.float32


def test_iden_casts_only():
    """Iden.__call__ (stgcn_ntucs.yaml): astype float32, nothing else."""
    x = np.random.RandomState(1).randn(3, 5, 25, 2)
    np.testing.assert_array_equal(Iden()(x), x.astype(np.float32))
