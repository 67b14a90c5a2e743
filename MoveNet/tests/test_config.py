"""The config contract (issue 12): every key in every YAML config, checked by utils/config.py SCHEMA and the linked
checks, one error line per mistake; the config saved beside checkpoints and exports; the seed's yacs interface."""
import os

import pytest
import yaml
from conftest import LITE, ROOT, error_lines, run_inprocess

from utils import UserError
from utils.config import SCHEMA, config_beside, load_config, save_config, to_dict

CONFIGS = sorted(os.path.join(ROOT, 'configs', n) for n in os.listdir(os.path.join(ROOT, 'configs')))


def _keys(tree, prefix=''):
    out = set()
    for k, v in tree.items():
        out |= _keys(v, f'{prefix}{k}.') if isinstance(v, dict) else {prefix + k}
    return out


@pytest.mark.parametrize('path', CONFIGS, ids=os.path.basename)
def test_every_config_holds_every_key_once(path):
    with open(path) as f:
        raw = yaml.safe_load(f)
    assert _keys(raw) == _keys(SCHEMA)
    load_config(path)  # types, ranges, links


def test_seed_yacs_interface():
    """`from config import cfg` (the seed's yacs config) is the movenet.pytorch recipe of configs/movenet_coco.yaml."""
    from yacs.config import CfgNode

    from config import cfg, get_config
    assert isinstance(cfg, CfgNode) and cfg.TRAIN.learning_rate == 1e-3 and cfg.TRAIN.milestones == [70, 100]
    assert get_config(LITE).TRAIN.epochs == 3


def _write(tmp_path, mutate, text=None):
    path = tmp_path / 'cfg.yaml'
    if text is None:
        with open(LITE) as f:
            cfg = yaml.safe_load(f)
        mutate(cfg)
        text = yaml.safe_dump(cfg)
    path.write_text(text)
    return str(path)


@pytest.mark.parametrize('mutate, text, msg', [
    (lambda c: c['TRAIN'].update(batchsize=8), None, 'unknown key TRAIN.batchsize (did you mean batch_size?)'),
    (lambda c: c['TRAIN'].pop('epochs'), None, 'missing key TRAIN.epochs'),
    (lambda c: c['TRAIN'].update(epochs='ninety'), None, "TRAIN.epochs: expected int, got 'ninety'"),
    (lambda c: c['TRAIN'].update(batch_size=0), None, 'TRAIN.batch_size: 0 is out of range, it must be >= 1'),
    (lambda c: c['TRAIN'].update(learning_rate=float('nan')), None, 'TRAIN.learning_rate: nan is not a finite'),
    (lambda c: c['DATA'].update(img_size=100), None, 'DATA.img_size: 100 is not one of 192'),
    (lambda c: c.update(device='tpu'), None, "device: 'tpu' is not one of"),
    (lambda c: c['TRAIN'].update(milestones=[100, 70]), None, 'TRAIN.milestones: [100, 70] must be strictly'),
    (lambda c: c['DATA'].update(num_joints=16, augment=True), None, 'DATA.augment: the mirror swaps'),
    (lambda c: c['DATA'].update(num_joints=5), None, 'TRAIN.use_bone: the bone loss pairs joints 0..6'),
    (None, '', 'the config: expected a mapping of keys, got an empty file'),
    (None, '- a\n- b\n', 'the config: expected a mapping of keys, got list'),
    (None, 'TRAIN: [1,\n', 'is not valid YAML'),
])
def test_config_mistakes_are_one_line(tmp_path, mutate, text, msg):
    path = _write(tmp_path, mutate, text)
    with pytest.raises(UserError) as e:
        load_config(path)
    assert msg in str(e.value) and path in str(e.value) and '\n' not in str(e.value)


def test_flag_overrides_are_checked_and_named(tmp_path, capsys):
    """Flags go through the same schema: `--learning_rate nan`, `--batch_size 0`, `--log_iters 0` are refused at
    start, naming the flag, before anything is written."""
    for flag, value, msg in (('--learning_rate', 'nan', '--learning_rate (TRAIN.learning_rate): nan is not a finite'),
                             ('--batch_size', '-1', '--batch_size (TRAIN.batch_size): -1 is out of range'),
                             ('--log_iters', '0', '--log_iters (TRAIN.log_iters): 0 is out of range')):
        code, _, err = run_inprocess('train.py', ['--config', LITE, flag, value, '--save_dir', tmp_path / 'out'], capsys)
        assert code == 2 and len(error_lines(err)) == 1 and msg in err, err
    assert not (tmp_path / 'out').exists()


def test_saved_config_round_trips_and_is_found_beside(tmp_path):
    cfg = load_config(LITE, {'TRAIN.batch_size': 3})
    (tmp_path / 'ckpt').mkdir()
    (tmp_path / 'ckpt' / 'model.pdparams').write_bytes(b'')
    save_config(cfg, str(tmp_path / 'ckpt'))
    assert config_beside(str(tmp_path / 'ckpt' / 'model.pdparams')) == str(tmp_path / 'ckpt' / 'config.yaml')
    assert config_beside(str(tmp_path / 'ckpt')) == str(tmp_path / 'ckpt' / 'config.yaml')
    assert config_beside(str(tmp_path / 'model.pdparams')) is None
    again = load_config(str(tmp_path / 'ckpt' / 'config.yaml'))
    assert to_dict(again) == to_dict(cfg) and again.TRAIN.batch_size == 3


def test_config_saved_before_keypoint_units_still_loads(tmp_path):
    """A config.yaml beside a checkpoint or an export from before TEST.keypoint_units: the checkpoint exports in
    today's pixels, the old export is read as the [0, 1] units it holds; a file of another name needs every key."""
    with open(LITE) as f:
        raw = yaml.safe_load(f)
    del raw['TEST']['keypoint_units']
    for sub, model, want in (('ckpt', None, 'pixels'), ('export', 'model.json', 'normalized')):
        (tmp_path / sub).mkdir()
        (tmp_path / sub / 'config.yaml').write_text(yaml.safe_dump(raw))
        if model:
            (tmp_path / sub / model).write_text('{}')
        assert load_config(str(tmp_path / sub / 'config.yaml')).TEST.keypoint_units == want
    (tmp_path / 'other.yaml').write_text(yaml.safe_dump(raw))
    with pytest.raises(UserError, match='missing key TEST.keypoint_units'):
        load_config(str(tmp_path / 'other.yaml'))
