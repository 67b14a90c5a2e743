import numpy as np
import pytest

from datasets.transforms import BoneFeature, JointFeature, MultiInput, TakeFirstFrames, VelocityFeature
from models.graph import CONNECT_JOINT


def sample(t=4, m=2, seed=0):
    return np.random.RandomState(seed).randn(3, t, 25, m).astype(np.float32)


def test_take_first_frames_crops_and_pads():
    """EfficientGCNv1 src/dataset/ntu_feeder.py NTU_Feeder.__getitem__ keeps data[:, :num_frame] of the
    300-frame rows; a shorter array (never produced by the reader) is zero-padded like the reader's buffer."""
    x = sample(t=5)
    np.testing.assert_array_equal(TakeFirstFrames(3)(x), x[:, :3])
    padded = TakeFirstFrames(7)(x)
    assert padded.shape == (3, 7, 25, 2) and not padded[:, 5:].any()


def test_joint_feature_hand_computed():
    """ntu_feeder.py NTU_Feeder.multi_input: joint = [x, x - x[:, :, 1]] (0-based joint 1, spine middle)."""
    x = sample()
    j = JointFeature()(x)
    # joint 5 (0-based 4), frame 2, person 1: xyz and xyz minus spine middle (0-based 1)
    np.testing.assert_allclose(j[:3, 2, 4, 1], x[:, 2, 4, 1])
    np.testing.assert_allclose(j[3:, 2, 4, 1], x[:, 2, 4, 1] - x[:, 2, 1, 1])
    assert not j[3:, :, 1].any()


def test_velocity_feature_hand_computed():
    """ntu_feeder.py NTU_Feeder.multi_input: velocity = [x[t+1] - x[t], x[t+2] - x[t]] for t < T - 2,
    the last two frames 0."""
    x = np.zeros((3, 5, 25, 1))
    x[0, :, 0, 0] = [0, 1, 3, 6, 10]
    v = VelocityFeature()(x)
    np.testing.assert_allclose(v[0, :, 0, 0], [1, 2, 3, 0, 0])   # x[t+1] - x[t], last two frames 0
    np.testing.assert_allclose(v[3, :, 0, 0], [3, 5, 7, 0, 0])   # x[t+2] - x[t]


def test_bone_feature_hand_computed():
    """ntu_feeder.py NTU_Feeder.multi_input: bone = [x - x[connect_joint], arccos(bone_c / (|bone| + 1e-4))],
    connect_joint from src/dataset/graphs.py Graph._get_edge (ntu)."""
    x = np.zeros((3, 1, 25, 1))
    child = 4  # 0-based left shoulder, parent 20 (spine shoulder)
    parent = CONNECT_JOINT[child]
    x[:, 0, child, 0] = [3.0, 4.0, 0.0]
    b = BoneFeature()(x)
    np.testing.assert_allclose(b[:3, 0, child, 0], [3, 4, 0])
    np.testing.assert_allclose(b[3:, 0, child, 0], np.arccos(np.array([3, 4, 0]) / (5 + 1e-4)), rtol=1e-6)
    assert parent == 20
    np.testing.assert_allclose(b[3:, 0, 1, 0], np.pi / 2)  # the root bone has zero length


def test_multi_input_shape_dtype_and_order():
    """ntu_feeder.py NTU_Feeder.__getitem__: J, V, B stacked in this order ([I, 6, T, V, M]); the processor
    casts to float32 (x.float())."""
    x = sample(t=6)
    out = MultiInput('JVB')(x)
    assert out.shape == (3, 6, 6, 25, 2) and out.dtype == np.float32
    np.testing.assert_allclose(out[1], VelocityFeature()(x.astype(np.float64)), rtol=1e-6, atol=1e-6)
    with pytest.raises(ValueError):
        MultiInput('JX')
