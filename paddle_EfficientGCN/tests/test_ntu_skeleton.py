import os
import pickle

import numpy as np
import pytest

from datasets.mini import generate_mini, skeleton_text
from datasets.ntu_skeleton import (
    BadSkeletonFile,
    generate,
    is_train,
    load_ignore_list,
    parse_name,
    pre_normalize_sample,
    read_skeleton,
    read_xyz,
)


def write(path, text):
    with open(path, 'w') as f:
        f.write(text)
    return str(path)


def test_official_ignore_list():
    """EfficientGCNv1 src/reader/ignore.txt: the same 535 names."""
    names = load_ignore_list()
    assert len(names) == 535 and sum(int(n[1:4]) <= 17 for n in names) == 302


def test_read_skeleton_values(tmp_path):
    """EfficientGCNv1 src/reader/ntu_reader.py NTU_Reader.read_file: x, y, z of every joint, body slot = order in
    the frame."""
    body = np.arange(75, dtype=np.float64).reshape(25, 3) / 100
    p = write(tmp_path / 'S001C001P001R001A001.skeleton', skeleton_text([[body], [body + 1]]))
    data = read_skeleton(p)
    assert data.shape == (4, 2, 25, 3)
    np.testing.assert_allclose(data[0, 1], body + 1, atol=1e-6)
    assert not data[1:].any()


def test_top2_bodies_by_motion_energy(tmp_path):
    """ntu_reader.py NTU_Reader.get_nonzero_std + gendata: the 2 bodies with the largest
    std(x) + std(y) + std(z) over their non-empty frames, largest first."""
    still = np.zeros((25, 3)) + 1.0
    frames = [[still, still + t * 0.1, still + 0.5] for t in range(5)]  # body 1 moves, bodies 0 and 2 do not
    p = write(tmp_path / 'S001C001P001R001A001.skeleton', skeleton_text(frames))
    xyz = read_xyz(p)
    assert xyz.shape == (3, 5, 25, 2) and xyz.dtype == np.float32
    np.testing.assert_allclose(xyz[:, 4, 0, 0], still[0] + 0.4, rtol=1e-6)  # the moving body comes first


@pytest.mark.parametrize('text,msg', [('0\n', 'zero frames'), ('2\n1\n', 'truncated'), ('abc\n', 'unreadable')])
def test_bad_files_raise(tmp_path, text, msg):
    with pytest.raises(BadSkeletonFile, match=msg):
        read_skeleton(write(tmp_path / 'S001C001P001R001A001.skeleton', text))


def test_nan_file_raises(tmp_path):
    body = np.ones((25, 3))
    body[3, 1] = np.nan
    with pytest.raises(BadSkeletonFile, match='NaN'):
        read_skeleton(write(tmp_path / 'S001C001P001R001A001.skeleton', skeleton_text([[body]])))


def test_splits():
    """ntu_reader.py NTU_Reader.__init__ training_samples (x-sub subjects, x-view cameras 2 and 3, x-set even
    setups)."""
    info = parse_name('S003C002P004R001A013')
    assert info == {'setup': 3, 'camera': 2, 'subject': 4, 'replication': 1, 'action': 13}
    assert is_train(info, 'ntu-xsub') and is_train(info, 'ntu-xview')
    assert not is_train(parse_name('S003C001P003R001A013'), 'ntu-xsub')
    assert not is_train(info, 'ntu-xset120') and is_train(parse_name('S020C001P003R001A013'), 'ntu-xset120')
    assert is_train(parse_name('S020C001P045R001A013'), 'ntu-xsub120')


def test_generate_skips_bad_files_and_ignore_list(tmp_path):
    counts = generate_mini(str(tmp_path / 'raw'), seed=1)
    stats = generate([str(tmp_path / 'raw')], str(tmp_path / 'npy'), 'ntu-xsub', progress=False)
    # 3 unreadable files skipped with a count, the ignore-listed one never read
    assert stats['train']['skipped'] + stats['eval']['skipped'] == 3
    assert stats['train']['written'] + stats['eval']['written'] == counts['good']
    out = tmp_path / 'npy' / 'original' / 'ntu-xsub'
    data = np.load(out / 'train_data.npy')
    names, labels, lengths = pickle.load(open(out / 'train_label.pkl', 'rb'))
    assert data.shape == (len(names), 3, 300, 25, 2) and data.dtype == np.float32
    assert 'S001C002P005R002A008' not in names and set(labels) == {0, 1, 2, 3}
    i = names.index('S001C001P001R001A004')  # two people, the second enters mid-clip
    assert data[i, :, :lengths[i], :, 1].any() and not data[i, :, lengths[i]:].any()
    assert all(n[9:12] in ('001', '002') for n in names)


FIXTURE = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'data', 'official_ntu_fixture.npz')


def test_pre_normalization(tmp_path):
    """Follows EfficientGCNv1 src/reader/transformer.py pre_normalization (the 2s-AGCN one): empty first frames
    moved to the front and the prefix repeated, spine middle (joint 1) of person 0 at the origin, bone
    joint_top - joint_bottom = s[1] - s[0] along +z, then joint_rshoulder - joint_lshoulder = s[8] - s[4]
    (right minus left shoulder, xaxis=[8, 4]) along +x."""
    rng = np.random.RandomState(0)
    x = np.zeros((3, 300, 25, 2), np.float32)
    x[:, 5:40, :, 0] = rng.randn(3, 35, 25, 1)[..., 0] + 2  # empty first frames
    out = pre_normalize_sample(x)
    assert out.dtype == np.float32 and out.shape == x.shape
    assert out[:, :, :, 0].any(axis=(0, 2)).all()          # frames moved to the front and the prefix repeated
    np.testing.assert_allclose(out[:, :, 1, 0], 0, atol=1e-5)  # spine middle of person 0 at the origin
    shoulders = out[:, 0, 8, 0] - out[:, 0, 4, 0]         # right shoulder - left shoulder along +x
    np.testing.assert_allclose(shoulders[1:], 0, atol=1e-5)
    assert shoulders[0] > 0
    assert not out[:, :, :, 1].any()                       # the absent person stays empty


def test_pre_normalization_matches_official_output():
    """tests/data/official_ntu_fixture.npz was written by running class-proxima/EfficientGCNv1 (commit 8983d02)
    src/reader/transformer.py pre_normalization and src/dataset/ntu_feeder.py NTU_Feeder.multi_input on a
    seeded 20-frame, 2-person sample (person 0 from frame 3 to 14, person 1 entering at frame 8, camera yawed
    by 0.6 rad). Our transformer and J/V/B features must give the same float32 numbers."""
    from datasets.transforms import MultiInput
    ref = np.load(FIXTURE)
    out = pre_normalize_sample(ref['raw'])
    np.testing.assert_allclose(out, ref['pre_normalized'], rtol=0, atol=1e-6)
    d = out[:, 0, 8, 0] - out[:, 0, 4, 0]
    assert d[0] > 0.3 and np.abs(d[1:]).max() < 1e-6       # +x, as in the official output
    np.testing.assert_allclose(MultiInput('JVB')(out), ref['jvb'], rtol=0, atol=1e-6)


def test_read_sample_is_the_generated_row(tmp_path):
    """read_sample (used by predict.py / infer.py on raw files) gives the row the generator writes, for the
    original (x-sub) and the transformed (x-view) variant (src/reader/ntu_reader.py NTU_Reader.gendata)."""
    from datasets.ntu_skeleton import read_sample
    generate_mini(str(tmp_path / 'raw'), seed=4, subjects=(1, 3), replications=(1,))
    for benchmark, transform in (('ntu-xsub', False), ('ntu-xview', True)):
        generate([str(tmp_path / 'raw')], str(tmp_path / 'npy'), benchmark, transform, progress=False)
        out = tmp_path / 'npy' / ('transformed' if transform else 'original') / benchmark
        data = np.load(out / 'train_data.npy')
        names, _, lengths = pickle.load(open(out / 'train_label.pkl', 'rb'))
        row, length = read_sample(str(tmp_path / 'raw' / f'{names[0]}.skeleton'), transform)
        np.testing.assert_array_equal(row, data[0])
        assert length == lengths[0]
