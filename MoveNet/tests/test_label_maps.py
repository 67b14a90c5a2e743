import math

import numpy as np

from datasets.label_maps import build_label_maps, cone_heatmap, person_sigma


def _person(x=0.5, y=0.5, spread=0.2):
    """17 labelled keypoints spread around (x, y)."""
    rng = np.random.default_rng(0)
    pts = np.clip(np.stack([x + rng.uniform(-spread, spread, 17), y + rng.uniform(-spread, spread, 17)], 1), 0, 0.99)
    return np.concatenate([pts, np.full((17, 1), 2.0)], 1)


def test_cone_values_by_hand():
    """data_tools.py generate_heatmap: r = (sigma + 6) // 2, window [x - r, x + r), d <= r, exp(-3 d / r)."""
    hm = cone_heatmap(20, 10, [], 48, sigma=3)  # r = (3 + 6) // 2 = 4
    assert hm[10, 20] == 1.0
    assert math.isclose(hm[10, 21], math.exp(-3 / 4), rel_tol=1e-12)
    assert math.isclose(hm[12, 22], math.exp(-3 * math.sqrt(8) / 4), rel_tol=1e-12)
    assert hm[10, 24] == 0.0  # window is [x - r, x + r): x + r excluded
    assert hm[10, 16] == math.exp(-3.0)  # d = r at x - r is inside
    assert hm[13, 23] == 0.0  # d = sqrt(18) > r
    assert (hm > 0).sum() == 47  # rows dy=-4..3: 1+5+7+7+8+7+7+5 cells with d <= 4


def test_cone_adds_other_persons_and_clips():
    """data_tools.py generate_heatmap: other persons' points of the same joint summed, clipped to 1; an off-map own
    point leaves the map empty."""
    hm = cone_heatmap(10, 10, [[11 / 48 + 1e-6, 10 / 48 + 1e-6]], 48, sigma=3)
    assert hm[10, 10] == 1.0 and hm[10, 11] == 1.0  # 1 + exp(-3/4) clipped
    assert math.isclose(hm[10, 12], min(1, math.exp(-6 / 4) + math.exp(-3 / 4)))
    assert cone_heatmap(-1, 10, [[0.5, 0.5]], 48, 3).sum() == 0  # own point off the map: empty map


def test_sigma_from_keypoint_extent():
    """data_tools.py label2heatmap: sigma 3 / 5 / 7 from the labelled keypoints' extent area (< 0.16, < 0.3)."""
    kps = np.array([[0.1, 0.1, 2], [0.4, 0.4, 2], [0.9, 0.9, 0]])
    assert person_sigma(kps) == 3  # area 0.09
    kps[1, :2] = 0.6  # area 0.25
    assert person_sigma(kps) == 5
    kps[1, :2] = 0.8  # area 0.49
    assert person_sigma(kps) == 7


def test_label_maps_layout_regs_and_offsets():
    """data_tools.py TensorDataset.__getitem__ channel order [17 heatmaps, centre, 34 regs (x, y per joint), 34
    offsets]; label2reg window signs; label2offset int(kp * 192) / 4 - cell (after the 95ec853 fix small_y uses cy)."""
    kps = _person()
    kps[3, 2] = 0  # one unlabelled joint
    labels, mask = build_label_maps(kps.reshape(-1).tolist(), [0.5, 0.5], [], [])
    assert labels.shape == (86, 48, 48) and labels.dtype == np.float32
    assert mask.tolist() == [1.0] * 3 + [0.0] + [1.0] * 13
    assert labels[17].max() == 1.0 and labels[17, 24, 24] == 1.0  # centre map peak at int(0.5 * 48)
    assert labels[3].sum() == 0 and labels[18 + 6:18 + 8].sum() == 0  # joint 3: no heatmap, no regs
    for j in (0, 5, 16):
        x, y = kps[j, :2]
        cell_x, cell_y = int(x * 192 // 4), int(y * 192 // 4)
        assert labels[j, cell_y, cell_x] == 1.0
        assert labels[18 + 2 * j, 24, 24] == cell_x - 24 and labels[19 + 2 * j, 24, 24] == cell_y - 24
        # centre in the right half (24 >= 23): reg + (cx - k) along the window
        assert labels[18 + 2 * j, 24, 26] == cell_x - 24 - 2
        off_x, off_y = labels[52 + 2 * j, cell_y, cell_x], labels[53 + 2 * j, cell_y, cell_x]
        assert off_x == int(x * 192) / 4 - cell_x and off_y == int(y * 192) / 4 - cell_y
        assert off_x in (0, .25, .5, .75)


def test_keypoint_on_the_right_edge_gives_offset_one():
    """data_tools.py label2reg / label2offset: x = 48 folds to 47, the offset is computed before the fold (= 1.0)."""
    kps = _person()
    kps[0, :2] = [1.0, 0.5]
    labels, _ = build_label_maps(kps.reshape(-1).tolist(), [0.5, 0.5], [], [])
    assert labels[18, 24, 24] == 47 - 24
    assert labels[52, 24, 47] == 1.0  # int(192) / 4 - 47
