"""Checkpoint forms, strict loading and the converter's errors.

movenet.pytorch lib/models/movenet_mobilenetv2.py InvertedResidual has had two forms: up to commit 95ec853 ONE
`conv2` Sequential applied n times (checkpoints e91_valacc0.79763.pth, mbv2_e105_valacc0.80255.pth; MoveNet.Paddle
kept it), since 6eb59cd a ModuleList of n blocks (e118_valacc0.79805.pth). The fixture
tests/fixtures/official_old_form_forward.json holds outputs of the OFFICIAL old-form model (fire717/movenet.pytorch
at 95ec853, lib/models/movenet_mobilenetv2.py MoveNet, float64, eval) on the deterministic weights and input built
by `old_form_state()` / `fixture_input()` below (written by running that code once; see the fixture's `source`)."""
import json
import os
import re
import zlib

import numpy as np
import paddle
import pytest

from models import MoveNet
from utils import UserError
from utils.checkpoint import load_weights

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURE = os.path.join(HERE, 'fixtures', 'official_old_form_forward.json')
N0_BLOCK = [('0.weight', [960, 320, 1, 1]), ('1', [960]), ('3.weight', [960, 1, 3, 3]), ('4', [960]),
            ('6.weight', [320, 960, 1, 1]), ('7', [320])]  # the never-applied conv2 of IR(160->320, n=0)


def _torch_name(k):
    return k.replace('._mean', '.running_mean').replace('._variance', '.running_var')


def old_form_state(joints=17):
    """A deterministic state dict under movenet.pytorch's OLD-form names (torch BN names), numpy float32: conv
    weights N(0, 1/fan_in), biases N(0, 0.05), BN weight U(0.8, 1.2), bias N(0, 0.1), running mean N(0, 0.1),
    running var U(0.8, 1.6); each tensor drawn from its own generator seeded by crc32(name)."""
    shapes = {}
    for k, v in MoveNet(joints).state_dict().items():
        m = re.match(r'^(backbone\.features\d(?:\.\d+)?)\.conv2\.(\d+)\.(.*)$', k)
        if m:
            if m.group(2) != '0':
                continue
            k = f'{m.group(1)}.conv2.{m.group(3)}'
        shapes[_torch_name(k)] = list(v.shape)
    for layer, shape in N0_BLOCK:
        names = [layer] if layer.endswith('weight') else [f'{layer}.{p}' for p in
                                                          ('weight', 'bias', 'running_mean', 'running_var')]
        for n in names:
            shapes[f'backbone.features4.2.conv2.{n}'] = shape
    bn = {k[:-len('.running_mean')] for k in shapes if k.endswith('.running_mean')}
    state = {}
    for k, shape in sorted(shapes.items()):
        rng = np.random.default_rng(zlib.crc32(k.encode()))
        prefix, leaf = k.rsplit('.', 1)
        if prefix in bn:
            v = {'weight': lambda: rng.uniform(0.8, 1.2, shape), 'bias': lambda: rng.normal(0, 0.1, shape),
                 'running_mean': lambda: rng.normal(0, 0.1, shape),
                 'running_var': lambda: rng.uniform(0.8, 1.6, shape)}[leaf]()
        elif leaf == 'weight':
            v = rng.normal(0, np.sqrt(1.0 / np.prod(shape[1:])), shape)
        else:
            v = rng.normal(0, 0.05, shape)
        state[k] = v.astype(np.float32)
    return state


def fixture_input():
    return np.random.default_rng(0).uniform(0, 255, (1, 3, 192, 192)).astype(np.float32)


def summarise(out):
    """[1,86,48,48] -> per-channel means, per-channel max |x| and 64 fixed cells (what the fixture stores)."""
    idx = np.random.default_rng(1).integers(0, out.size, 64)
    return {'mean': out.mean(axis=(0, 2, 3)).tolist(), 'absmax': np.abs(out).max(axis=(0, 2, 3)).tolist(),
            'cells': out.reshape(-1)[idx].tolist()}


def _forward64(model_state):
    """Our MoveNet in float64 with a Paddle state dict, eval mode -> summarise(outputs)."""
    paddle.set_default_dtype('float64')
    try:
        net = MoveNet()
        net.set_state_dict({k: paddle.to_tensor(np.asarray(v, np.float64)) for k, v in model_state.items()})
        net.eval()
        with paddle.no_grad():
            out = paddle.concat(net(paddle.to_tensor(fixture_input().astype(np.float64))), axis=1).numpy()
    finally:
        paddle.set_default_dtype('float32')
    return summarise(out)


def _assert_matches_fixture(got):
    ref = json.load(open(FIXTURE))
    for key in ('mean', 'absmax', 'cells'):
        np.testing.assert_allclose(got[key], ref[key], rtol=1e-9, atol=1e-9, err_msg=key)


def test_old_form_torch_checkpoint_converts_to_the_official_old_model(tmp_path, capsys):
    """The converter copies the shared conv2 into each of the n blocks: the converted model reproduces the official
    old-form model (fire717/movenet.pytorch@95ec853 lib/models/movenet_mobilenetv2.py) to float64 rounding. Before
    the fix the converter refused the file and load_weights half-loaded it (150 of 345 tensors random)."""
    torch = pytest.importorskip('torch')
    from tools.convert_weights import main
    torch.save({k: torch.from_numpy(v) for k, v in old_form_state().items()}, str(tmp_path / 'e91.pth'))
    main(['--src', str(tmp_path / 'e91.pth'), '--dst', str(tmp_path / 'e91.pdparams')])
    out = capsys.readouterr().out
    assert 'old-form checkpoint' in out and '15 tensors of the n = 0 stage' in out and 'converted 345 tensors' in out
    state = paddle.load(str(tmp_path / 'e91.pdparams'))
    assert len(state) == 345 and not any(k.startswith('backbone.features4.2.conv2') for k in state)
    for i in range(3):  # features3 has n = 3 slots, all the shared block
        np.testing.assert_array_equal(state[f'backbone.features3.conv2.{i}.3.weight'].numpy(),
                                      old_form_state()['backbone.features3.conv2.3.weight'])
    net = MoveNet()
    load_weights(net, str(tmp_path / 'e91.pdparams'))  # strict: raises on any difference
    _assert_matches_fixture(_forward64({k: v.numpy() for k, v in net.state_dict().items()}))


def test_seed_old_form_paddle_checkpoint_is_expanded_on_load(tmp_path, capsys):
    """MoveNet.Paddle (e74_valacc0.76914.pth) kept the old form under Paddle names: --pretrained expands it exactly
    (same result as the converter) and says so, instead of loading 195 of 345 tensors with a warning."""
    seed = {k.replace('.running_mean', '._mean').replace('.running_var', '._variance'): paddle.to_tensor(v)
            for k, v in old_form_state().items()}
    paddle.save(seed, str(tmp_path / 'e74_valacc0.76914.pth'))
    net = MoveNet()
    load_weights(net, str(tmp_path / 'e74_valacc0.76914.pth'))
    assert 'old-form checkpoint' in capsys.readouterr().err
    _assert_matches_fixture(_forward64({k: v.numpy() for k, v in net.state_dict().items()}))


def test_loading_is_strict(tmp_path):
    """Any missing, unexpected or reshaped tensor is an error naming it (was: tolerated up to half missing)."""
    state = MoveNet().state_dict()
    for name, mutate, msg in (
            ('missing', lambda s: s.pop('backbone.features2.conv2.1.4._mean'), '1 missing (backbone.features2.conv2.1.4._mean)'),
            ('unexpected', lambda s: s.update({'backbone.extra.weight': paddle.zeros([2])}), '1 unexpected'),
            ('reshaped', lambda s: s.update({'backbone.conv3.bias': paddle.zeros([3])}), '1 reshaped (backbone.conv3.bias)')):
        s = dict(state)
        mutate(s)
        paddle.save(s, str(tmp_path / f'{name}.pdparams'))
        with pytest.raises(UserError, match=re.escape(msg)):
            load_weights(MoveNet(), str(tmp_path / f'{name}.pdparams'))


def test_head_of_another_joint_count_is_the_only_tolerated_difference(tmp_path, capsys):
    """Fine-tuning (train.py --pretrained): re-initialised with a one-line warning; anywhere else an error naming
    both joint counts."""
    paddle.save(MoveNet(17).state_dict(), str(tmp_path / 'coco.pdparams'))
    net = MoveNet(16)
    with pytest.raises(UserError, match='has heads for 17 joints but the config builds 16'):
        load_weights(net, str(tmp_path / 'coco.pdparams'))
    before = net.header.header_regs[1].weight.numpy().copy()
    load_weights(net, str(tmp_path / 'coco.pdparams'), allow_head_change=True)
    err = capsys.readouterr().err
    assert err.count('\n') == 1 and 'heads for 17 joints, the model 16' in err
    for k in ('header.header_heatmaps.1.weight', 'header.header_regs.1.bias', 'header.header_offsets.1.weight'):
        assert k in err
    np.testing.assert_array_equal(net.header.header_regs[1].weight.numpy(), before)  # kept its own init


def test_converter_num_classes_names_the_dropped_heads(tmp_path, capsys):
    torch = pytest.importorskip('torch')
    from tools.convert_weights import main
    state = {_torch_name(k): torch.from_numpy(v.numpy()) for k, v in MoveNet().state_dict().items()}
    torch.save(state, str(tmp_path / 'e118.pth'))
    main(['--src', str(tmp_path / 'e118.pth'), '--dst', str(tmp_path / 'm16.pdparams'), '--num_classes', '16'])
    out = capsys.readouterr().out
    assert 'heads for 17 joints, the model 16' in out and 'header.header_offsets.1.bias' in out
    load_weights(MoveNet(16), str(tmp_path / 'm16.pdparams'))  # complete and strict


@pytest.fixture(scope='module')
def bad_files(tmp_path_factory):
    d = tmp_path_factory.mktemp('bad')
    np.save(str(d / 'arr.npy'), np.zeros(3))
    (d / 'notes.txt').write_text('not a checkpoint\n')
    paddle.save(MoveNet().state_dict(), str(d / 'model.pdparams'))
    files = {'npy': d / 'arr.npy', 'text': d / 'notes.txt', 'pdparams': d / 'model.pdparams'}
    try:
        import torch
        torch.save({'backbone.conv3.bias': torch.zeros(64)}, str(d / 'full.pth'))
        blob = (d / 'full.pth').read_bytes()
        (d / 'truncated.pth').write_bytes(blob[:len(blob) // 2])
        files.update(torch=d / 'full.pth', truncated=d / 'truncated.pth')
    except ImportError:
        pass
    return files


@pytest.mark.parametrize('kind, msg', [('npy', 'is not a PyTorch checkpoint'), ('text', 'is not a PyTorch checkpoint'),
                                       ('truncated', 'truncated or corrupt'),
                                       ('pdparams', 'is already a Paddle checkpoint, --src, no conversion needed')])
def test_converter_errors_are_one_line(bad_files, kind, msg, tmp_path, capsys):
    if kind not in bad_files:
        pytest.skip('needs torch')
    from tools.convert_weights import main
    with pytest.raises(SystemExit) as e:
        main(['--src', str(bad_files[kind]), '--dst', str(tmp_path / 'x.pdparams')])
    err = capsys.readouterr().err.strip().splitlines()
    assert e.value.code == 2 and len(err) == 1 and err[0].startswith('error: ') and msg in err[0], err


def test_pretrained_torch_checkpoint_names_the_converter_command(bad_files):
    """--pretrained/--model_path of a movenet.pytorch .pth: refused with the exact command (was: converted on the
    fly, and an old-form one half-loaded)."""
    if 'torch' not in bad_files:
        pytest.skip('needs torch')
    src = str(bad_files['torch'])
    with pytest.raises(UserError) as e:
        load_weights(MoveNet(), src)
    assert 'is a PyTorch checkpoint' in str(e.value)
    assert f'tools/convert_weights.py --src {src} --dst {src[:-4]}.pdparams' in str(e.value)
    with pytest.raises(UserError, match='is not a Paddle checkpoint'):
        load_weights(MoveNet(), str(bad_files['npy']))


def test_default_paths_resolve_from_the_folder(tmp_path, monkeypatch, capsys):
    """From another directory (`cd /tmp && python <folder>/test.py ...`): defaults and config-file paths are
    relative to the MoveNet folder, a relative --config not under the current directory is found in the folder,
    flag paths are relative to the current directory."""
    from conftest import load_script

    from utils import ROOT
    from utils.config import load_config, script_config
    weights = str(tmp_path / 'w.pdparams')
    paddle.save(MoveNet().state_dict(), weights)
    monkeypatch.chdir(tmp_path)
    cfg = script_config('configs/movenet_lite.yaml', None, {})
    assert cfg.DATA.root == os.path.join(ROOT, 'test_tipc', 'data', 'mini', 'cropped')
    assert cfg.save_dir == os.path.join(ROOT, 'test_tipc', 'output', 'movenet', 'norm_train')
    import argparse

    from utils.config import overrides_from
    cfg = load_config(os.path.join(ROOT, 'configs', 'movenet_coco.yaml'),
                      overrides_from(argparse.Namespace(save_dir='out')))
    assert cfg.DATA.root == os.path.join(ROOT, 'data', 'cropped') and cfg.save_dir == str(tmp_path / 'out')
    if os.path.exists(os.path.join(ROOT, 'data', 'cropped', 'val2017.json')):
        pytest.skip('a real data/cropped exists in the folder')
    with pytest.raises(SystemExit):  # the default config's data root is the folder's data/cropped
        load_script('test.py').main(['--pretrained', weights, '--device', 'cpu', '--config', 'configs/movenet_coco.yaml'])
    assert os.path.join(ROOT, 'data', 'cropped', 'val2017.json') in capsys.readouterr().err
