"""Checkpoint handling of the scripts (official torch checkpoints, converter errors, class counts) and default
paths that resolve against the folder, not the cwd. Scripts run in this process (conftest.cli), as their
command line would; the bad-input cases are in test_bad_inputs.py."""
import os
from types import SimpleNamespace

import numpy as np
import paddle
import pytest
import torch
import yaml
from conftest import ROOT, cli, error_line, with_root, write_cfg


def torch_state(num_class=60):
    """A torch-style state dict of the lite B0 with `num_class` outputs (official names, BN running_*)."""
    from models import build_model
    cfg = yaml.safe_load(open(os.path.join(ROOT, 'configs', 'lite.yaml')))
    cfg['num_class'] = num_class
    out = {}
    for k, v in build_model(cfg).state_dict().items():
        k = k.replace('._mean', '.running_mean').replace('._variance', '.running_var')
        out[k] = torch.from_numpy(v.numpy())
        if k.endswith('running_var'):
            out[k[:-len('running_var')] + 'num_batches_tracked'] = torch.tensor(3)
    return out


@pytest.fixture(scope='module')
def torch_ckpt(tmp_path_factory):
    path = tmp_path_factory.mktemp('ckpt') / '2001_EfficientGCN-B0_ntu-xsub.pth.tar'
    torch.save({'model': torch_state(60), 'epoch': 70}, str(path))
    return str(path)


def test_convert_weights_refuses_files_that_are_not_torch_checkpoints(capsys, tmp_path, torch_ckpt):
    np.save(tmp_path / 'x.npy', np.zeros(3))
    (tmp_path / 'notes.txt').write_text('not a checkpoint\n')
    data = open(torch_ckpt, 'rb').read()
    (tmp_path / 'cut.pth.tar').write_bytes(data[:len(data) // 2])
    legacy = tmp_path / 'legacy.pth'
    torch.save({'model': torch_state(4)}, str(legacy), _use_new_zipfile_serialization=False)
    (tmp_path / 'cut_legacy.pth').write_bytes(legacy.read_bytes()[:200])
    for name, msg in (('x.npy', 'is not a torch checkpoint'), ('notes.txt', 'is not a torch checkpoint'),
                      ('cut.pth.tar', 'damaged torch checkpoint'), ('cut_legacy.pth', 'damaged torch checkpoint')):
        code, _, err = cli(capsys, 'tools/convert_weights.py', '--src', tmp_path / name, '--dst',
                           tmp_path / 'o.pdparams')
        assert code == 2 and msg in error_line(err) and 'convert_weights.py' in error_line(err), name
    assert not (tmp_path / 'o.pdparams').exists()
    code, out, _ = cli(capsys, 'tools/convert_weights.py', '--src', legacy, '--dst', tmp_path / 'legacy.pdparams')
    assert code == 0 and 'converted' in out  # the legacy (non-zip) torch format is read too


def test_convert_weights_on_a_paddle_checkpoint(capsys, tmp_path):
    paddle.save({'a.weight': paddle.ones([2])}, str(tmp_path / 'model.pdparams'))
    (tmp_path / 'weights.bin').write_bytes((tmp_path / 'model.pdparams').read_bytes())  # same content, other name
    for name in ('model.pdparams', 'weights.bin'):
        code, _, err = cli(capsys, 'tools/convert_weights.py', '--src', tmp_path / name, '--dst',
                           tmp_path / 'o.pdparams')
        line = error_line(err)
        assert code == 2 and 'already a Paddle checkpoint' in line and 'no conversion needed' in line, name


def test_convert_weights_num_classes_says_which_head_tensors_were_dropped(capsys, tmp_path, torch_ckpt,
                                                                          lite_cfg):
    from models import build_model
    from utils.checkpoint import load_pretrained
    dst = tmp_path / 'ft.pdparams'
    code, out, _ = cli(capsys, 'tools/convert_weights.py', '--src', torch_ckpt, '--dst', dst, '--num_classes', 4)
    notes = [ln for ln in out.splitlines() if ln.startswith('note:')]
    assert code == 0 and len(notes) == 1
    assert ('classifier.fc.weight [60, 64, 1, 1, 1], classifier.fc.bias [60]' in notes[0]
            and 'has 60 classes' in notes[0] and '--num_classes 4' in notes[0]), notes
    assert 'classifier.fc.weight' not in paddle.load(str(dst))
    code, out, _ = cli(capsys, 'tools/convert_weights.py', '--src', torch_ckpt, '--dst', dst, '--num_classes', 60)
    assert code == 0 and 'note:' not in out  # same class count: nothing dropped
    # a 60-class .pdparams into the 4-class lite model: one warning line naming the head tensors and why
    lines = []
    dropped = load_pretrained(build_model(lite_cfg), str(dst), SimpleNamespace(info=lines.append), fine_tune=True)
    assert dropped == ['classifier.fc.weight', 'classifier.fc.bias']
    warn = [ln for ln in lines if ln.startswith('warning:')]
    assert len(warn) == 1 and 'classifier.fc.weight [60, 64, 1, 1, 1]' in warn[0] and '60 classes' in warn[0]
    assert 'num_class=4' in warn[0]


def test_pretrained_torch_checkpoint_names_the_converter(capsys, tmp_path, torch_ckpt, mini_root, lite_cfg):
    """train/test/predict/export (and main.py -pp) refuse a torch checkpoint with the exact convert command."""
    npy = os.path.join(mini_root, 'eval_data.npy')
    main_cfg = write_cfg(tmp_path / 'lite_mini.yaml', with_root(lite_cfg, mini_root))  # main.py has no --dataset_root
    runs = [
        ('train.py', '--config', 'configs/lite.yaml', '--dataset_root', mini_root, '--pretrained', torch_ckpt,
         '--save_dir', tmp_path / 'out', '--device', 'cpu', '--progress', 'False'),
        ('test.py', '--config', 'configs/lite.yaml', '--dataset_root', mini_root, '--pretrained', torch_ckpt,
         '--device', 'cpu', '--progress', 'False'),
        ('predict.py', '--config', 'configs/lite.yaml', '--input_file', npy, '--pretrained', torch_ckpt,
         '--device', 'cpu'),
        ('export_model.py', '--config', 'configs/lite.yaml', '--model_path', torch_ckpt, '--save_dir', tmp_path),
        ('main.py', '-c', main_cfg, '-e', '-pp', torch_ckpt, '--device', 'cpu'),
    ]
    expected = (f'tools/convert_weights.py --src {torch_ckpt} --dst '
                f'{os.path.join(os.path.dirname(torch_ckpt), "2001_EfficientGCN-B0_ntu-xsub.pdparams")}')
    for cmd in runs:
        code, _, err = cli(capsys, *cmd)
        line = error_line(err)
        assert code == 2 and 'PyTorch checkpoint' in line and expected in line, (cmd[0], line)


def test_default_paths_resolve_against_the_folder(capsys, monkeypatch, tmp_path, trained_lite):
    """`cd /tmp && python <folder>/test.py --config configs/lite.yaml ...` works: flag defaults are absolute paths
    in the folder, a relative --config missing from the cwd is looked up in the folder, and relative data paths
    inside a config are relative to the folder."""
    from utils import folder_path
    from utils.config import load_config
    monkeypatch.chdir(tmp_path)
    for rel, flag, default in (('train.py', 'save_dir', 'output'),
                               ('infer.py', 'model_dir', None)):
        parsed = vars(__import__('conftest').script(rel).get_parser().parse_args([]))
        assert parsed[flag] == (default and os.path.join(ROOT, default))
    assert os.path.isfile(os.path.join(ROOT, 'configs', '2001.yaml'))
    cfg = load_config('configs/lite.yaml')
    assert folder_path(cfg['dataset_args']['dataset_root']) == os.path.join(ROOT, 'test_tipc', 'data', 'npy',
                                                                            'original', 'ntu-xsub')
    best = os.path.join(trained_lite['save_dir'], 'best_model', 'model.pdparams')
    code, out, err = cli(capsys, 'test.py', '--config', 'configs/lite.yaml', '--dataset_root', trained_lite['root'],
                         '--pretrained', best, '--device', 'cpu', '--progress', 'False')
    assert code == 0 and '[EVAL] top1:' in out, err
    assert os.listdir(tmp_path) == []  # nothing written to the cwd


def test_main_generate_data(capsys, tmp_path):
    """main.py -c <config> -gd runs the real reader on the paths of the config."""
    from datasets.mini import generate_mini
    generate_mini(str(tmp_path / 'raw'), seed=2, subjects=(1, 3), replications=(1,))
    cfg = yaml.safe_load(open(f'{ROOT}/configs/lite.yaml'))
    cfg['dataset'] = 'ntu-xview'
    cfg['dataset_args'].update(raw_dirs=[str(tmp_path / 'raw')], out_root=str(tmp_path / 'npy'), transform=True)
    path = tmp_path / 'cfg.yaml'
    path.write_text(yaml.safe_dump(cfg))
    code, out, err = cli(capsys, 'main.py', '-c', path, '-gd')
    assert code == 0, err
    assert (tmp_path / 'npy' / 'transformed' / 'ntu-xview' / 'eval_data.npy').exists()
    assert 'bad files skipped' in out
