"""The config contract (utils/config.py): every shipped config validates, one line per mistake, linked values,
class-name lists, the config saved beside checkpoints and exports."""
import copy
import glob
import os

import pytest
import yaml
from conftest import ROOT, write_cfg

from utils import UserError
from utils.config import (
    BENCHMARK_CLASSES,
    SCHEMA,
    class_names,
    config_beside,
    load_config,
    read_class_names,
    save_config,
)

CONFIGS = sorted(glob.glob(os.path.join(ROOT, 'configs', '*.yaml')))


@pytest.mark.parametrize('path', CONFIGS, ids=[os.path.basename(p) for p in CONFIGS])
def test_every_shipped_config_validates(path):
    cfg = load_config(path)
    assert len(class_names(cfg)) == cfg['num_class']
    assert cfg['data_shape'][2] == cfg['dataset_args']['num_frame']


def test_the_official_configs_keep_the_official_values():
    """class-proxima/EfficientGCNv1 configs/2001-2012.yaml: B0/B2/B4 x (xsub, xview, xsub120, xset120), 288
    frames, JVB, transform for x-view only, SGD lr 0.1 nesterov wd 1e-4, 70 epochs with 10 of warm-up, batch 16."""
    names = [os.path.basename(p) for p in CONFIGS]
    assert names == [f'{i}.yaml' for i in range(2001, 2013)] + ['lite.yaml']
    for i, path in enumerate(CONFIGS[:12]):
        cfg = load_config(path)
        assert cfg['model_type'] == f'EfficientGCN-B{(i // 4) * 2}'
        assert cfg['dataset'] == ['ntu-xsub', 'ntu-xview', 'ntu-xsub120', 'ntu-xset120'][i % 4]
        assert cfg['num_class'] == BENCHMARK_CLASSES[cfg['dataset']]
        assert cfg['dataset_args']['transform'] == (cfg['dataset'] == 'ntu-xview')
        assert cfg['dataset_args']['num_frame'] == 288 and cfg['dataset_args']['inputs'] == 'JVB'
        t = cfg['train']
        assert (t['learning_rate'], t['momentum'], t['nesterov'], t['weight_decay']) == (0.1, 0.9, True, 1e-4)
        assert (t['max_epochs'], t['warm_up'], t['batch_size'], t['eval_batch_size']) == (70, 10, 16, 16)
        assert cfg['model_args']['block_args'] == [[48, 1, 0.5], [24, 1, 0.5], [64, 2, 1], [128, 2, 1]]


def test_class_name_lists():
    """NTU RGB+D action names (rose1.ntu.edu.sg; the NTU-60 part also in EfficientGCNv1 src/visualizer.py):
    class id = action number - 1; NTU-120 extends NTU-60."""
    ntu60, ntu120 = read_class_names('datasets/labels/ntu60.txt'), read_class_names('datasets/labels/ntu120.txt')
    assert len(ntu60) == 60 and len(ntu120) == 120 and ntu120[:60] == ntu60
    assert ntu60[0] == 'drink water' and ntu60[22] == 'hand waving' and ntu60[59] == 'walking apart from each other'
    assert ntu120[60] == 'put on headphone' and ntu120[119].startswith('finger-guessing game')
    assert len(set(ntu120)) == 120
    mini = read_class_names('datasets/labels/mini.txt')
    assert len(mini) == 4 and mini[0] == 'raise the right hand'  # datasets/mini.py action A001


def test_benchmarks_agree_with_the_reader():
    from datasets.ntu_skeleton import BENCHMARKS
    assert tuple(BENCHMARK_CLASSES) == BENCHMARKS


def one_mistake(tmp_path, lite_cfg, change):
    cfg = copy.deepcopy(lite_cfg)
    change(cfg)
    path = write_cfg(tmp_path / 'c.yaml', cfg)
    with pytest.raises(UserError) as e:
        load_config(path)
    assert str(e.value).startswith(f'config {path}: ') and '\n' not in str(e.value)
    return str(e.value)


@pytest.mark.parametrize('change,words', [
    (lambda c: c['model_args'].update(in_chanels=3), ['unknown key model_args.in_chanels']),
    (lambda c: c['train'].update(epochs=c['train'].pop('max_epochs')), ['unknown key train.epochs',
                                                                         'did you mean max_epochs']),
    (lambda c: c['dataset_args'].update(num_frame=20), ['data_shape', 'num_frame 20']),
    (lambda c: c.update(data_shape=[3, 6, 24, 25, 1]), ['data_shape', 'expected [3, 6, 24, 25, 2]']),
    (lambda c: c['model_args'].update(fusion_stage=5), ['model_args.fusion_stage', '4 blocks']),
    (lambda c: c['model_args'].update(kernel_size=[4, 2]), ['temporal window 4 must be odd']),
    (lambda c: c['model_args'].update(block_args=[[48, 1, 0.5], [24, 'x', 0.5]]), ['block_args[1]']),
    (lambda c: c.update(model_type='EfficientGCN-X'), ['model_type']),
    (lambda c: c.update(num_class=61, dataset='ntu-xview'), ['num_class', '60 actions of ntu-xview']),
    (lambda c: c.update(class_names='datasets/labels/missing.txt'), ['class_names', 'not found']),
    (lambda c: c['train'].update(warm_up=9), ['train.warm_up', 'max_epochs']),
    (lambda c: c['train'].update(learning_rate=0), ['train.learning_rate', '> 0']),
    (lambda c: c['model_args'].update(layer_type='SGG'), ['model_args.layer_type', 'did you mean SG']),
    (lambda c: c.update(dataset='ntu-xsub60'), ['dataset', 'ntu-xsub']),
])
def test_one_line_per_mistake(tmp_path, lite_cfg, change, words):
    message = one_mistake(tmp_path, lite_cfg, change)
    assert all(w in message for w in words), message


def test_overrides_are_validated_and_named(tmp_path):
    with pytest.raises(UserError, match=r'train.learning_rate: nan is not a finite number \(set by the flag '
                                        r'--learning_rate nan\)'):
        load_config(os.path.join(ROOT, 'configs', 'lite.yaml'), {'train.learning_rate': float('nan')})
    cfg = load_config(os.path.join(ROOT, 'configs', 'lite.yaml'), {'train.batch_size': 5, 'train.seed': None})
    assert cfg['train']['batch_size'] == 5 and cfg['train']['seed'] == 1


def test_schema_has_no_defaults_and_every_config_has_every_key():
    """Defaults live in the YAML files only: each key of the schema is in each config, once."""
    def keys(tree, prefix=''):
        return {k2 for k, v in tree.items() for k2 in (keys(v, f'{prefix}{k}.') if isinstance(v, dict)
                                                      else {f'{prefix}{k}'})}
    expected = keys(SCHEMA)
    for path in CONFIGS:
        with open(path) as f:
            assert keys(yaml.safe_load(f)) == expected, path


def test_saved_config_round_trip_and_config_beside(tmp_path, lite_cfg):
    save_config(lite_cfg, str(tmp_path))
    assert config_beside(str(tmp_path)) == str(tmp_path / 'config.yaml')
    assert config_beside(str(tmp_path / 'model.pdparams')) == str(tmp_path / 'config.yaml')
    (tmp_path / 'sub').mkdir()
    assert config_beside(str(tmp_path / 'sub')) is None
    assert load_config(config_beside(str(tmp_path))) == lite_cfg
    assert not [n for n in os.listdir(tmp_path) if '.tmp-' in n]
