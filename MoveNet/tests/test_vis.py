"""predict.py --save_vis picture (utils/vis.py, issue 17): the frame at its own size, the project palette per side,
hollow joints under the threshold, widths scaled to the image."""
import numpy as np

from utils.vis import PALETTE_BGR, draw_pose, limb_side, unit_of


def _pose(w, h):
    """A standing figure in normalised coordinates; joint 9 (left wrist) below the threshold."""
    kps = np.full((17, 3), 0.9)
    xy = {0: (0.5, 0.15), 1: (0.52, 0.13), 2: (0.48, 0.13), 3: (0.54, 0.14), 4: (0.46, 0.14), 5: (0.6, 0.3),
          6: (0.4, 0.3), 7: (0.65, 0.45), 8: (0.35, 0.45), 9: (0.7, 0.6), 10: (0.3, 0.6), 11: (0.57, 0.6),
          12: (0.43, 0.6), 13: (0.58, 0.78), 14: (0.42, 0.78), 15: (0.59, 0.95), 16: (0.41, 0.95)}
    for j, (x, y) in xy.items():
        kps[j, :2] = x, y
    kps[9, 2] = 0.05
    return kps


def _at(img, kps, j, w, h):
    return img[int(round(kps[j, 1] * h)), int(round(kps[j, 0] * w))]


def test_palette_sides_and_hollow_joints():
    assert limb_side(13, 15) == 'left' and limb_side(14, 16) == 'right' and limb_side(5, 6) == 'centre'
    assert limb_side(0, 1) == 'centre' and limb_side(5, 11) == 'left'
    assert PALETTE_BGR == {'left': (180, 119, 31), 'right': (14, 127, 255), 'centre': (44, 160, 44)}
    w, h = 960, 540  # a wide frame is drawn at its own size and aspect ratio
    img = np.full((h, w, 3), 90, np.uint8)
    kps = _pose(w, h)
    out = draw_pose(img, kps, thr=0.1)
    assert out.shape == img.shape and (img == 90).all()  # the input is left untouched
    mid = lambda a, b: out[int(round((kps[a, 1] + kps[b, 1]) / 2 * h)), int(round((kps[a, 0] + kps[b, 0]) / 2 * w))]  # noqa: E731
    np.testing.assert_array_equal(mid(13, 15), PALETTE_BGR['left'])
    np.testing.assert_array_equal(mid(14, 16), PALETTE_BGR['right'])
    np.testing.assert_array_equal(mid(11, 12), PALETTE_BGR['centre'])
    np.testing.assert_array_equal(_at(out, kps, 15, w, h), (255, 255, 255))  # a found joint: filled white
    np.testing.assert_array_equal(_at(out, kps, 9, w, h), (90, 90, 90))  # under the threshold: hollow
    np.testing.assert_array_equal(mid(7, 9), (90, 90, 90))  # and no limb to it
    assert unit_of(h, w) == 2 and unit_of(192, 192) == 1 and unit_of(1080, 1920) == 4


def test_line_width_scales_with_the_image():
    widths = []
    for size in (240, 960):
        img = np.zeros((size, size, 3), np.uint8)
        out = draw_pose(img, _pose(size, size), legend=False, caption='')
        col = out[:, int(round((0.58 + 0.59) / 2 * size))]  # across the left shin
        widths.append(int((col == PALETTE_BGR['left']).all(1).sum()))
    assert widths[1] >= 3 * widths[0] > 0


def test_plots_curves_and_joints(tmp_path):
    """tools/plots.py (the notebook's pictures) from a train.log and a metrics.json; a log without [TRAIN] lines is
    one error line."""
    import json

    import pytest

    from tools.plots import plot_curves, plot_joints
    from utils import UserError
    log = tmp_path / 'train.log'
    log.write_text('\n'.join(
        [f'[TRAIN] epoch: {i // 7 + 1}/3, iter: {i}/21, loss: {900 / i:.4f}, lr: 0.003000, acc: 0.5, reader_cost: 0.01 s'
         for i in range(1, 22)] + [f'[EVAL] epoch: {e}, acc: {0.2 * e:.4f}, AP: 0.0000' for e in range(4)]))
    assert plot_curves(str(log), str(tmp_path / 'c.png')) and (tmp_path / 'c.png').read_bytes()[:4] == b'\x89PNG'
    (tmp_path / 'm.json').write_text(json.dumps({'acc': 0.5, 'AP': 0.1, 'per_joint_acc': [0.5] * 17}))
    plot_joints(str(tmp_path / 'm.json'), str(tmp_path / 'j.png'))
    assert (tmp_path / 'j.png').stat().st_size > 0
    (tmp_path / 'empty.log').write_text('nothing\n')
    with pytest.raises(UserError, match='no \\[TRAIN\\] lines'):
        plot_curves(str(tmp_path / 'empty.log'), str(tmp_path / 'x.png'))
