import numpy as np
import pytest

from datasets.transforms import AID, Affine, ColorDistort, Crop, DataAug, Mirror, Move, Padding, PixelJitter, Rotate


class FixedRng:
    """Stands in for np.random.Generator with preset draws."""

    def __init__(self, random=0.5, uniform=None, integers=None, choice=1):
        self._random, self._uniform, self._integers, self._choice = random, uniform, integers, choice

    def random(self, size=None):
        return np.full(size, self._random) if size is not None else self._random

    def uniform(self, lo, hi):
        return self._uniform if self._uniform is not None else (lo + hi) / 2

    def integers(self, lo, hi=None):
        return self._integers if self._integers is not None else lo

    def choice(self, seq):
        return self._choice


def label(kps=None):
    k = np.zeros((17, 3))
    k[:, 0] = np.linspace(0.3, 0.7, 17)
    k[:, 1] = np.linspace(0.2, 0.8, 17)
    k[:, 2] = 2
    if kps is not None:
        k = kps
    return {'keypoints': k.reshape(-1).tolist(), 'center': [0.4, 0.5], 'other_centers': [[0.8, 0.2]],
            'other_keypoints': [[[0.1, 0.2]]] + [[] for _ in range(15)] + [[[0.9, 0.9]]]}


IMG = np.arange(100 * 100 * 3, dtype=np.uint8).reshape(100, 100, 3)


def kp(lab):
    return np.asarray(lab['keypoints']).reshape(-1, 3)


def test_mirror_swaps_left_right_and_reverses_others():
    """data_augment.py Mirror: the explicit keypoint list swaps (1,2), (3,4), ..., (15,16); other_keypoints[::-1]."""
    img, lab = Mirror()(IMG.copy(), label(), FixedRng())
    np.testing.assert_array_equal(img, IMG[:, ::-1])
    src = kp(label())
    np.testing.assert_allclose(kp(lab)[1], [1 - src[2, 0], src[2, 1], 2])  # left eye <- right eye
    np.testing.assert_allclose(kp(lab)[0, :2], [1 - src[0, 0], src[0, 1]])
    assert lab['center'] == pytest.approx([0.6, 0.5]) and lab['other_centers'] == [pytest.approx([0.2, 0.2])]
    # the original reverses the 17 lists instead of swapping pairs: nose's point ends up in slot 16
    assert lab['other_keypoints'][16] == [pytest.approx([0.9, 0.2])] and lab['other_keypoints'][0] == [pytest.approx([0.1, 0.9])]


def test_padding_by_hand():
    """data_augment.py Padding: pad = int(max_size * (r + 1) * 0.12 / 2), points (x * w + x0) / new_size."""
    # pad = int(100 * (0.5 + 1) * 0.12 / 2) = 9 -> 118 px canvas, resized back to 100
    img, lab = Padding()(IMG.copy(), label(), FixedRng(random=0.5))
    assert img.shape == IMG.shape and img[0, 0].sum() == 0
    np.testing.assert_allclose(kp(lab)[0, :2], (np.array([0.3, 0.2]) * 100 + 9) / 118)
    assert lab['center'] == pytest.approx([(40 + 9) / 118, (50 + 9) / 118])


def test_padding_keeps_v_of_points_outside_the_crop():
    """data_augment.py Padding maps the points as (x * w + x0) / new_size and never touches v (unlike Crop, Move,
    Rotate and Affine): a labelled keypoint still outside [0, 1) after padding stays labelled (was: v set to 0)."""
    k = kp(label())
    k[16, :2] = [1.3, 0.5]
    _, lab = Padding()(IMG.copy(), label(k), FixedRng(random=0.5))
    assert kp(lab)[16, 2] == 2 and kp(lab)[16, 0] == (1.3 * 100 + 9) / 118 > 1


def test_crop_by_hand_and_drops_points_outside():
    """data_augment.py Crop: with other persons crop_x = int(w * ratio); points leaving [0, 1) get v = 0, other
    centres are dropped."""
    # pad_ratio 0.2 with another person: crop_x = crop_y = 20, new side 60
    k = kp(label())
    k[0, :2] = [0.1, 0.5]  # will fall outside
    img, lab = Crop()(IMG.copy(), label(k), FixedRng(uniform=0.2))
    np.testing.assert_array_equal(img, __import__('cv2').resize(IMG[20:80, 20:80], (100, 100)))
    assert kp(lab)[0, 2] == 0
    np.testing.assert_allclose(kp(lab)[8, :2], (k[8, :2] * 100 - 20) / 60)
    assert lab['other_centers'] == []  # (0.8, 0.2) -> (1.0, 0.0): outside [0, 1)


def test_move_by_hand():
    """data_augment.py Move: only this person moves; randint(int(w r) // 2, int(w r)) * choice([-1, 1])."""
    # ratio 0.15: shift integers(7, 16) -> 7 px, direction +1
    img, lab = Move()(IMG.copy(), label(), FixedRng(uniform=0.15))
    np.testing.assert_array_equal(img[7:, 7:], IMG[:-7, :-7])
    np.testing.assert_allclose(kp(lab)[5, :2], kp(label())[5, :2] + 0.07)
    assert lab['other_centers'] == [[0.8, 0.2]]  # the original moves only the person itself


def test_rotate_zero_degrees_truncates_to_pixels():
    """data_augment.py Rotate: points truncated to int32 pixels before rotating."""
    img, lab = Rotate()(IMG.copy(), label(), FixedRng(uniform=0.0))
    np.testing.assert_array_equal(img, IMG)
    np.testing.assert_allclose(kp(lab)[:, :2], np.floor(kp(label())[:, :2] * 100) / 100, atol=1e-9)


def test_rotate_90_degrees_moves_points():
    """data_augment.py Rotate: cv2.getRotationMatrix2D((w/2, h/2), angle): positive angle = counter-clockwise."""
    img, lab = Rotate(max_angle=90)(IMG.copy(), label(), FixedRng(uniform=90.0))
    x, y = np.floor(np.array([0.3, 0.2]) * 100)
    # cv2 rotation by +90 (counter-clockwise) about (50, 50): (x, y) -> (y, 100 - x)
    np.testing.assert_allclose(kp(lab)[0, :2], [y / 100, (100 - x) / 100], atol=1e-9)


def test_rotate_maps_points_in_float32_as_the_original():
    """data_augment.py Rotate: int32 pixels, the 3x3 full_M product in float64, then astype(float32) and division by
    w, h in float32; the resulting coordinates are float32 values (they decide the label cells)."""
    _, lab = Rotate()(IMG.copy(), label(), FixedRng(uniform=17.3))
    m = np.vstack([__import__('cv2').getRotationMatrix2D((50, 50), 17.3, 1.0), [0, 0, 1]])
    px = (kp(label())[:, :2] * 100).astype(np.int32)
    ref = (m @ np.vstack([px.T, np.ones((1, 17))]))[:2].T.astype(np.float32) / np.float32(100)
    np.testing.assert_array_equal(kp(lab)[:, :2], ref.astype(np.float64))
    assert (kp(lab)[:, :2] == kp(lab)[:, :2].astype(np.float32)).all()


def test_affine_identity_when_points_unjittered():
    img, lab = Affine()(IMG.copy(), label(), FixedRng(random=0.0))
    np.testing.assert_array_equal(img, IMG)
    np.testing.assert_allclose(kp(lab)[:, :2], np.floor(kp(label())[:, :2] * 100) / 100, atol=1e-6)


def test_color_distort_identity_and_brightness():
    rng = FixedRng()
    ident = ColorDistort(contrast=(1, 1), brightness=(0, 0), hue=(0, 0), saturation=(1, 1))
    flat = np.full((4, 4, 3), 100, np.uint8)
    img, _ = ident(flat, {}, rng)
    assert np.abs(img.astype(int) - 100).max() <= 1
    bright = ColorDistort(contrast=(1, 1), brightness=(0.2, 0.2), hue=(0, 0), saturation=(1, 1))
    img, _ = bright(flat, {}, rng)
    assert np.abs(img.astype(int) - 151).max() <= 1  # +0.2 * 255


def test_pixel_jitter_amplitude():
    """data_augment.py pixel_jitter(img, 15): 15 binds to the unused p, the amplitude stays max_ = 5."""
    img, _ = PixelJitter()(np.full((8, 8, 3), 100, np.uint8), {}, FixedRng(random=1.0))
    assert (img == 105).all()  # (1 - 0.5) * 2 * 5


def test_aid_occludes_a_labelled_keypoint():
    """data_augment.py AID: half = int(U(3/192, 6/192) (h + w) / 2), square [c - half, c + half) clipped to w - 1."""
    k = kp(label())
    k[1:, 2] = 0
    img, _ = AID()(np.zeros((192, 192, 3), np.uint8), label(k), FixedRng(uniform=6 / 192, integers=0))
    # nose at (57.6, 38.4), half size int(6/192 * 192) = 6: rows 32..44, cols 51..63, grey value 0 from integers()
    img2, _ = AID()(np.full((192, 192, 3), 255, np.uint8), label(k), FixedRng(uniform=6 / 192, integers=0))
    assert (img2[32:44, 51:63] == 0).all() and img2[45, 64].sum() == 255 * 3 and img.sum() == 0


def test_data_aug_reverts_when_too_many_keypoints_are_lost():
    """data_augment.py DataAug: revert when > 3 more keypoints became unlabelled or > 5 are unlabelled."""
    lab = label()

    class DropAll:
        def __call__(self, img, label, rng):
            k = kp(label)
            k[:, 2] = 0
            label['keypoints'] = k.reshape(-1).tolist()
            return img * 0, label

    aug = DataAug()
    aug.padding = aug.crop = DropAll()
    aug.mirror = aug.color = aug.jitter = aug.aid = lambda img, label, rng: (img, label)
    img, out = aug(IMG.copy(), lab, FixedRng(random=0.1))
    np.testing.assert_array_equal(img, IMG)
    assert out['keypoints'] == lab['keypoints']
