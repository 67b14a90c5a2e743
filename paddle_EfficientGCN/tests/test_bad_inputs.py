"""Issue 10: every bad input ends with exit status 2 and exactly one `error:` line on stderr that names the file or
key and the fix; no traceback, nothing (half-)written. Scripts run in this process (conftest.cli) except where a
process must die (a bad sample found by a loader worker: utils/fail_fast.py ends that process)."""
import copy
import json
import os
import pickle
import subprocess
import sys
import time

import numpy as np
import paddle
import pytest
from conftest import ROOT, cli, error_line, write_cfg

LITE = os.path.join(ROOT, 'configs', 'lite.yaml')


@pytest.fixture(scope='module')
def bad(tmp_path_factory, mini_root, lite_cfg):
    """A folder of bad files (data splits, configs, checkpoints, inputs) built from the mini split, and a
    4-class checkpoint directory (model.pdparams + config.yaml) of the lite model."""
    from models import build_model
    base = tmp_path_factory.mktemp('bad')
    data = np.load(os.path.join(mini_root, 'train_data.npy'))[:6]
    with open(os.path.join(mini_root, 'train_label.pkl'), 'rb') as f:
        names, labels, lengths = pickle.load(f)
    names, labels, lengths = names[:6], labels[:6], lengths[:6]

    def split(name, data=data, labels=labels, names=names, label_bytes=None):
        d = base / name
        d.mkdir()
        for phase in ('train', 'eval'):
            np.save(d / f'{phase}_data.npy', data)
            (d / f'{phase}_label.pkl').write_bytes(label_bytes if label_bytes is not None
                                                   else pickle.dumps((names, labels, lengths[:len(names)])))
        return str(d)

    roots = {'good': split('good'), 'missing': str(base / 'nonexistent')}
    nan, zero = data.copy(), data.copy()
    nan[2, 0, 3, 4, 0] = np.nan
    zero[4] = 0
    roots['nan'] = split('nan', nan)
    roots['zero'] = split('zero', zero)
    roots['joints'] = split('joints', data[:, :, :, :20])
    roots['frames'] = split('frames', data[:, :, :0])
    roots['float64'] = split('float64', data.astype(np.float64))
    roots['half_labels'] = split('half_labels', labels=[0.5, 1.5, 0, 1, 2, 3])
    roots['range_labels'] = split('range_labels', labels=[0, 1, 2, 3, 4, 9])
    roots['count_labels'] = split('count_labels', labels=labels[:4], names=names[:4])
    roots['list_pkl'] = split('list_pkl', label_bytes=pickle.dumps(list(labels)))
    roots['cut_pkl'] = split('cut_pkl', label_bytes=pickle.dumps((names, labels, lengths))[:20])
    roots['zero_npy'] = split('zero_npy')
    (base / 'zero_npy' / 'train_data.npy').write_bytes(b'')
    roots['text_npy'] = split('text_npy')
    (base / 'text_npy' / 'train_data.npy').write_text('not an array\n')
    # configs: one mistake each
    configs = {}

    def config(name, change):
        cfg = copy.deepcopy(lite_cfg)
        change(cfg)
        configs[name] = write_cfg(base / f'{name}.yaml', cfg)
    config('typo', lambda c: c['model_args'].update(stem_chanel=c['model_args'].pop('stem_channel')))
    config('type', lambda c: c['train'].update(max_epochs='ninety'))
    config('range', lambda c: c['train'].update(batch_size=-1))
    config('missing', lambda c: c['train'].pop('seed'))
    config('unlinked', lambda c: c['dataset_args'].update(num_frame=30))
    config('names', lambda c: c.update(class_names='datasets/labels/ntu60.txt'))
    config('inputs', lambda c: c['dataset_args'].update(inputs='JVX'))
    (base / 'empty.yaml').write_text('')
    (base / 'list.yaml').write_text('- 1\n- 2\n')
    (base / 'broken.yaml').write_text('train: [1, 2\n')
    configs.update(empty=str(base / 'empty.yaml'), list=str(base / 'list.yaml'), broken=str(base / 'broken.yaml'))
    # a 4-class checkpoint directory, a 60-class config and a truncated checkpoint
    ckpt = base / 'ckpt'
    ckpt.mkdir()
    paddle.seed(0)
    paddle.save(build_model(lite_cfg).state_dict(), str(ckpt / 'model.pdparams'))
    write_cfg(ckpt / 'config.yaml', lite_cfg)
    cfg60 = copy.deepcopy(lite_cfg)
    cfg60.update(num_class=60, class_names='datasets/labels/ntu60.txt')
    configs['60'] = write_cfg(base / '60.yaml', cfg60)
    (base / 'cut.pdparams').write_bytes((ckpt / 'model.pdparams').read_bytes()[:1000])
    # inputs of infer.py / predict.py
    inputs = {}
    for name, array in (('nan', nan), ('zero', zero), ('joints', data[:, :, :, :20]), ('frames', data[:, :, :0]),
                        ('empty', data[:0])):
        inputs[name] = str(base / f'input_{name}.npy')
        np.save(inputs[name], array)
    inputs['zero_bytes'] = str(base / 'input_zero_bytes.npy')
    open(inputs['zero_bytes'], 'w').close()
    inputs['binary'] = str(base / 'S001C001P001R001A001.skeleton')
    (base / 'S001C001P001R001A001.skeleton').write_bytes(bytes(range(256)) * 4)
    inputs['good'] = os.path.join(roots['good'], 'eval_data.npy')
    inputs['text'] = str(base / 'input.txt')
    (base / 'input.txt').write_text('1 2 3\n')
    return {'base': base, 'roots': roots, 'configs': configs, 'ckpt': str(ckpt), 'inputs': inputs}


def train_cmd(bad, save, *extra, config=LITE, root='good'):
    return ('train.py', '--config', config, '--dataset_root', bad['roots'][root], '--save_dir', save, '--device',
            'cpu', '--progress', 'False', *extra)


# (name, how to build the command from the fixture and a fresh save dir, words the error line must hold)
TRAIN_CASES = [
    ('config_unknown_key', lambda b, s: train_cmd(b, s, config=b['configs']['typo']),
     ['unknown key model_args.stem_chanel', 'did you mean stem_channel']),
    ('config_wrong_type', lambda b, s: train_cmd(b, s, config=b['configs']['type']),
     ['train.max_epochs', 'expected int', 'ninety']),
    ('config_out_of_range', lambda b, s: train_cmd(b, s, config=b['configs']['range']), ['train.batch_size', '>= 1']),
    ('config_missing_key', lambda b, s: train_cmd(b, s, config=b['configs']['missing']), ['missing key train.seed']),
    ('config_unlinked_num_frame', lambda b, s: train_cmd(b, s, config=b['configs']['unlinked']),
     ['data_shape', 'num_frame 30']),
    ('config_class_names_count', lambda b, s: train_cmd(b, s, config=b['configs']['names']),
     ['class_names', 'lists 60 classes', 'num_class is 4']),
    ('config_inputs', lambda b, s: train_cmd(b, s, config=b['configs']['inputs']), ['dataset_args.inputs', 'JVB']),
    ('config_empty', lambda b, s: train_cmd(b, s, config=b['configs']['empty']), ['empty.yaml', 'an empty file']),
    ('config_list', lambda b, s: train_cmd(b, s, config=b['configs']['list']), ['list.yaml', 'got list']),
    ('config_broken_yaml', lambda b, s: train_cmd(b, s, config=b['configs']['broken']), ['not valid YAML']),
    ('config_not_found', lambda b, s: train_cmd(b, s, config='/nonexistent/c.yaml'), ['not found', '--config']),
    ('flag_batch_size_-1', lambda b, s: train_cmd(b, s, '--batch_size', '-1'), ['train.batch_size', '--batch_size -1']),
    ('flag_batch_size_0', lambda b, s: train_cmd(b, s, '--batch_size', '0'), ['train.batch_size', '>= 1']),
    ('flag_log_iters_0', lambda b, s: train_cmd(b, s, '--log_iters', '0'), ['train.log_iters', '--log_iters 0']),
    ('flag_learning_rate_nan', lambda b, s: train_cmd(b, s, '--learning_rate', 'nan'),
     ['train.learning_rate', 'not a finite number']),
    ('flag_max_iters_0', lambda b, s: train_cmd(b, s, '--max_iters', '0'), ['--max_iters']),
    ('flag_amp_on_cpu', lambda b, s: train_cmd(b, s, '--amp', 'True'), ['--amp True needs a GPU']),
    ('flag_not_an_int', lambda b, s: train_cmd(b, s, '--batch_size', 'two'), ['--batch_size', 'two']),
    ('data_missing_dir', lambda b, s: train_cmd(b, s, root='missing'), ['train_data.npy not found', 'ntu_reader.py']),
    ('data_nan', lambda b, s: train_cmd(b, s, root='nan'), ['sample 2', 'NaN', 'train_data.npy']),
    ('data_all_zero', lambda b, s: train_cmd(b, s, root='zero'), ['sample 4', 'all zero']),
    ('data_20_joints', lambda b, s: train_cmd(b, s, root='joints'), ['shape', '25']),
    ('data_0_frames', lambda b, s: train_cmd(b, s, root='frames'), ['no sample, frame or person']),
    ('data_float64', lambda b, s: train_cmd(b, s, root='float64'), ['dtype float64', 'float32']),
    ('data_zero_byte_npy', lambda b, s: train_cmd(b, s, root='zero_npy'), ['not a readable .npy', 'train_data.npy']),
    ('data_text_npy', lambda b, s: train_cmd(b, s, root='text_npy'), ['not a readable .npy']),
    ('labels_not_whole', lambda b, s: train_cmd(b, s, root='half_labels'), ['not whole numbers', '0.5']),
    ('labels_out_of_range', lambda b, s: train_cmd(b, s, root='range_labels'), ['labels in [0, 9]', 'num_class']),
    ('labels_count', lambda b, s: train_cmd(b, s, root='count_labels'), ['4 labels for 6 samples']),
    ('labels_pickled_list', lambda b, s: train_cmd(b, s, root='list_pkl'), ['sample_names, labels', 'got a list']),
    ('labels_truncated_pickle', lambda b, s: train_cmd(b, s, root='cut_pkl'), ['not a label pickle']),
    ('pretrained_truncated', lambda b, s: train_cmd(b, s, '--pretrained', str(b['base'] / 'cut.pdparams')),
     ['cannot read weights', 'cut.pdparams', '--pretrained']),
    ('pretrained_missing', lambda b, s: train_cmd(b, s, '--pretrained', '/nonexistent/m.pdparams'),
     ['not found', '--pretrained']),
    ('resume_missing', lambda b, s: train_cmd(b, s, '--resume', '/nonexistent/latest'), ['state.json not found']),
    ('resume_not_a_checkpoint', lambda b, s: train_cmd(b, s, '--resume', b['ckpt']), ['state.json not found']),
]


@pytest.mark.parametrize('name,make,words', TRAIN_CASES, ids=[c[0] for c in TRAIN_CASES])
def test_train_refuses_with_one_line_and_writes_nothing(capsys, bad, tmp_path, name, make, words):
    save = tmp_path / 'out'
    code, _, err = cli(capsys, *make(bad, save))
    line = error_line(err)
    assert code == 2, (name, err)
    assert all(w in line for w in words), (name, line)
    assert not save.exists(), f'{name}: {sorted(os.listdir(save))} written'  # not even train.log


def predict_cmd(bad, *extra):
    return ('predict.py', '--pretrained', bad['ckpt'], '--device', 'cpu', *extra)


SCRIPT_CASES = [
    ('test_other_class_count', lambda b: ('test.py', '--config', b['configs']['60'], '--pretrained', b['ckpt'],
                                          '--dataset_root', b['roots']['good'], '--device', 'cpu'),
     ['has 4 classes', 'num_class 60']),
    ('test_no_config_beside', lambda b: ('test.py', '--pretrained', str(b['base'] / 'cut.pdparams')),
     ['no config', '--config']),
    ('test_batch_size_0', lambda b: ('test.py', '--pretrained', b['ckpt'], '--batch_size', '0'), ['--batch_size']),
    ('predict_other_class_count', lambda b: predict_cmd(b, '--config', b['configs']['60'], '--input_file',
                                                        b['inputs']['good']), ['has 4 classes', 'num_class 60']),
    ('predict_nan', lambda b: predict_cmd(b, '--input_file', b['inputs']['nan']), ['sample 2', 'NaN']),
    ('predict_all_zero', lambda b: predict_cmd(b, '--input_file', b['inputs']['zero']), ['sample 4', 'all zero']),
    ('predict_index', lambda b: predict_cmd(b, '--input_file', b['inputs']['good'], '--index', '99'),
     ['--index 99', '6 samples']),
    ('export_other_class_count', lambda b: ('export_model.py', '--config', b['configs']['60'], '--model_path',
                                            b['ckpt'], '--save_dir', str(b['base'] / 'never')),
     ['has 4 classes', 'num_class 60', '--model_path']),
    ('main_unknown_config', lambda b: ('main.py', '-c', '9999'), ['9999.yaml not found']),
    ('ntu_reader_missing_dir', lambda b: ('tools/ntu_reader.py', '--raw_dirs', '/nonexistent/ntu', '--out_root',
                                          str(b['base'] / 'never')), ['raw skeleton folder', '--raw_dirs']),
    ('convert_missing', lambda b: ('tools/convert_weights.py', '--src', '/nonexistent.pth.tar', '--dst',
                                   str(b['base'] / 'never.pdparams')), ['not found']),
]


@pytest.mark.parametrize('name,make,words', SCRIPT_CASES, ids=[c[0] for c in SCRIPT_CASES])
def test_scripts_refuse_with_one_line(capsys, bad, name, make, words):
    code, _, err = cli(capsys, *make(bad))
    line = error_line(err)
    assert code == 2 and all(w in line for w in words), (name, line)
    assert not (bad['base'] / 'never').exists() and not (bad['base'] / 'never.pdparams').exists()


@pytest.fixture(scope='module')
def export_dir(bad, tmp_path_factory):
    d = tmp_path_factory.mktemp('bad_export')
    from export_model import export

    from utils.config import load_config
    export(load_config(os.path.join(bad['ckpt'], 'config.yaml')), bad['ckpt'], str(d))
    return str(d)


INFER_CASES = [
    ('nan', ['sample 2', 'NaN']), ('zero', ['sample 4', 'all zero']), ('joints', ['shape', '25']),
    ('frames', ['no sample, frame or person']), ('empty', ['no sample, frame or person']),
    ('zero_bytes', ['not a readable .npy']), ('binary', ['not a text .skeleton file']),
    ('text', ['unknown input type']),
]


@pytest.mark.parametrize('name,words', INFER_CASES, ids=[c[0] for c in INFER_CASES])
def test_infer_refuses_bad_inputs(capsys, bad, export_dir, tmp_path, name, words):
    """Never a `score nan` or a prediction for an empty/0-frame/20-joint input; no results file."""
    out = tmp_path / 'results.json'
    code, stdout, err = cli(capsys, 'infer.py', '--model_dir', export_dir, '--input_file', bad['inputs'][name],
                            '--save_results', out)
    line = error_line(err)
    assert code == 2 and all(w in line for w in words), (name, line)
    assert 'score' not in stdout and not out.exists()


def test_infer_flags_and_class_count(capsys, bad, export_dir, tmp_path):
    code, _, err = cli(capsys, 'infer.py', '--model_dir', export_dir, '--input_file', bad['inputs']['good'], '-b', 0)
    assert code == 2 and '--batch_size' in error_line(err)
    code, _, err = cli(capsys, 'infer.py', '--model_dir', tmp_path, '--input_file', bad['inputs']['good'])
    assert code == 2 and 'not found' in error_line(err) and 'export' in error_line(err)
    code, _, err = cli(capsys, 'infer.py', '--model_dir', export_dir, '--input_file', bad['inputs']['good'],
                       '--config', bad['configs']['60'])
    assert code == 2 and 'outputs 4 classes' in error_line(err) and 'num_class 60' in error_line(err)


def test_ntu_reader_writes_no_empty_arrays(capsys, tmp_path):
    """Every file bad, or no NTU names at all: one error line, no {phase}_data.npy written."""
    from datasets.mini import generate_mini
    raw = tmp_path / 'raw'
    generate_mini(str(raw), seed=3, subjects=(1, 3), replications=(1,))
    for f in raw.iterdir():
        if f.name[9:12] == '003':  # every eval (subject 3) file truncated
            f.write_text('\n'.join(f.read_text().splitlines()[:50]) + '\n')
    code, out, err = cli(capsys, 'tools/ntu_reader.py', '--raw_dirs', raw, '--out_root', tmp_path / 'npy',
                         '--progress', 'False')
    assert code == 2 and 'every ntu-xsub eval file was bad' in error_line(err)
    assert not (tmp_path / 'npy' / 'original' / 'ntu-xsub' / 'eval_data.npy').exists()
    other = tmp_path / 'other'
    other.mkdir()
    (other / 'clip_01.skeleton').write_text('1\n0\n')
    code, out, err = cli(capsys, 'tools/ntu_reader.py', '--raw_dirs', other, '--out_root', tmp_path / 'npy2')
    assert code == 2 and 'no ntu-xsub train sample' in error_line(err) and '1 files with other names' in err
    assert not (tmp_path / 'npy2').exists()


WORKER_FAILURE = r'''
import sys
import datasets.feeder as feeder  # python -c run in the folder: the folder is on sys.path
original = feeder.NTUFeeder.__getitem__
def failing(self, index):
    if index == 5:
        raise ValueError('cannot decode this sample')
    return original(self, index)
feeder.NTUFeeder.__getitem__ = failing
import train
from utils import run_main
run_main(train.main, sys.argv[1:])
'''


@pytest.mark.parametrize('workers', [0, 2])
def test_a_sample_failing_in_a_loader_worker_ends_the_run_in_seconds(bad, tmp_path, workers):
    """A sample that fails only when loaded (here: a patched feeder) ends training with exit 2 and one line naming
    the sample, with the loader thread (0 workers) and with worker processes (2), instead of hanging
    (paddle/io/dataloader/dataloader_iter.py); utils/fail_fast.GuardedDataset + guarded()."""
    start = time.time()
    done = subprocess.run(
        [sys.executable, '-c', WORKER_FAILURE, '--config', LITE, '--dataset_root',
         bad['roots']['good'], '--save_dir', str(tmp_path / 'out'), '--device', 'cpu', '--progress', 'False',
         '--num_workers', str(workers), '--batch_size', '6'],
        cwd=ROOT, capture_output=True, text=True, timeout=120, env=dict(os.environ, OMP_NUM_THREADS='1'))
    lines = [ln for ln in done.stderr.splitlines() if ln.startswith('error:')]
    assert done.returncode == 2, done.stderr[-2000:]
    assert len(lines) == 1 and 'cannot decode this sample' in lines[0] and '#5 of' in lines[0], done.stderr[-2000:]
    assert 'Traceback' not in done.stderr
    assert time.time() - start < 60


def test_a_non_finite_loss_stops_and_keeps_the_last_good_checkpoint(capsys, bad, lite_cfg, tmp_path):
    """Issue 10: a loss that turns NaN (here: --learning_rate 1e20, one iteration per epoch) stops the run with one
    line naming the epoch and iteration; latest/ still holds the last good epoch (finite weights)."""
    save = tmp_path / 'out'
    code, _, err = cli(capsys, *train_cmd(bad, save, '--learning_rate', '1e20', '--batch_size', '6', '--max_epochs',
                                          '3', '--eval_interval', '1'))
    line = error_line(err)
    assert code == 2 and 'at epoch 2, iteration 2' in line and 'latest keeps the last good checkpoint' in line, line
    state = json.load(open(save / 'latest' / 'state.json'))
    assert state['epoch'] == 0 and state['iteration'] == 1
    weights = paddle.load(str(save / 'latest' / 'model.pdparams'))
    assert all(np.isfinite(w.numpy()).all() for w in weights.values())
    # --resume into a config of another class count: one line naming both counts
    code, _, err = cli(capsys, 'train.py', '--resume', save / 'latest', '--config', bad['configs']['60'],
                       '--dataset_root', bad['roots']['good'], '--save_dir', save, '--device', 'cpu')
    assert code == 2 and 'has 4 classes but the config has num_class 60 (--resume)' in error_line(err)
    # a truncated --resume checkpoint
    opt = save / 'latest' / 'model.pdopt'
    opt.write_bytes(opt.read_bytes()[:100])
    code, _, err = cli(capsys, 'train.py', '--resume', save / 'latest', '--save_dir', save, '--device', 'cpu')
    assert code == 2 and 'not a complete checkpoint (--resume' in error_line(err)
