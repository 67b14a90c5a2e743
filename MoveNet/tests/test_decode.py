import numpy as np
import paddle

from datasets.label_maps import build_label_maps
from models.decode import center_weight, decode_labels, decode_outputs, movenet_decode


def test_center_weight_values():
    """lib/data/center_weight_origin.npy (utils.py maxPoint): 1 / (distance to cell (24, 24) + 1.8)."""
    w = center_weight()
    assert np.isclose(w[24, 24], 1 / 1.8) and np.isclose(w[0, 0], 1 / (np.sqrt(2 * 24 ** 2) + 1.8))
    assert w.argmax() == 24 * 48 + 24


def _maps():
    hm = np.zeros((1, 17, 48, 48), np.float32)
    ctr = np.zeros((1, 1, 48, 48), np.float32)
    regs = np.zeros((1, 34, 48, 48), np.float32)
    offs = np.zeros((1, 34, 48, 48), np.float32)
    ctr[0, 0, 20, 30] = 0.9
    ctr[0, 0, 2, 2] = 0.95  # higher, but far from the image centre: the weighted pick is (30, 20)
    regs[0, 0, 20, 30], regs[0, 1, 20, 30] = 4.6, -3.7  # int(4.6 + .5) = 5, int(-3.7 + .5) = -3 (toward zero)
    hm[0, 0, 17, 35] = 0.5  # at the regressed cell (35, 17)
    hm[0, 0, 40, 5] = 0.9  # stronger but far away: down-weighted by 1 / (d + 1.8)
    offs[0, 0, 17, 35], offs[0, 1, 17, 35] = 0.25, 0.75
    hm[0, 1, 10, 10] = 0.05  # joint 1 below the 0.1 threshold everywhere -> missing
    return hm, ctr, regs, offs


def test_decode_by_hand():
    """task_tools.py movenetDecode(mode="output"): weighted centre argmax, (reg + 0.5).astype(int32) toward zero,
    heatmap / (d + 1.8), offsets, score < 0.1 -> -1; x then y per joint."""
    kps = decode_outputs(_maps())
    assert kps.shape == (1, 17, 3)
    np.testing.assert_allclose(kps[0, 0], [(35 + 0.25) / 48, (17 + 0.75) / 48, 0.5], rtol=1e-6)
    np.testing.assert_array_equal(kps[0, 1, :2], [-1, -1])


def test_decode_graph_equals_numpy_wrapper():
    maps = [np.random.default_rng(0).random((2, c, 48, 48)).astype(np.float32) for c in (17, 1, 34, 34)]
    a = decode_outputs(maps)
    b = movenet_decode(*[paddle.to_tensor(m) for m in maps]).numpy()
    np.testing.assert_array_equal(a, b)


def test_label_decode_quarter_pixel_and_truncation_quirk():
    """task_tools.py movenetDecode(mode="label"): the same int(reg + 0.5) truncation, cells clipped to 0..47, mask 0
    -> -1."""
    rng = np.random.default_rng(3)
    kps = np.concatenate([rng.uniform(0.25, 0.75, (17, 2)), np.full((17, 1), 2.0)], 1)
    kps[4, 2] = 0
    labels, mask = build_label_maps(kps.reshape(-1).tolist(), [0.5, 0.5], [], [])
    got = decode_labels(labels[None], mask[None])[0]
    cell = np.floor(kps[:, :2] * 48)
    # right of and below the centre (24): exact to a quarter pixel. Left or above: int(reg + .5) truncates toward
    # zero, so the original reads one cell nearer the centre, where the offset maps (both axes) are 0.
    read = np.where(cell >= 24, cell, cell + 1)
    exact = (cell >= 24).all(1, keepdims=True)
    expect = np.where(exact, np.floor(kps[:, :2] * 192) / 192, read / 48)
    vis = mask > 0
    assert np.abs(got[vis] - expect[vis]).max() < 1e-6
    assert (cell[vis] < 24).any() and (cell[vis] >= 24).any()
    np.testing.assert_array_equal(got[4], [-1, -1])
