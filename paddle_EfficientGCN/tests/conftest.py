"""Shared fixtures. The one place that makes the folder importable for the tests (no test touches sys.path)."""
import copy
import os
import sys

import pytest
import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
os.environ.setdefault('OMP_NUM_THREADS', '1')


def pytest_configure(config):
    config.addinivalue_line('markers', 'slow: starts several processes (2-process training); -m "not slow" skips')
    # Paddle's import-time ccache note and its BatchNorm note on every training step: known, not ours (issue 17);
    # pytest resets the filter the engine sets, so it is repeated here
    config.addinivalue_line('filterwarnings', 'ignore:No ccache found')
    config.addinivalue_line('filterwarnings', 'ignore:When training, we now always track global mean')


@pytest.fixture(scope='session')
def lite_cfg():
    """configs/lite.yaml as validated by utils/config.py (a fresh copy per use: deepcopy before changing it)."""
    from utils.config import load_config
    return load_config(os.path.join(ROOT, 'configs', 'lite.yaml'))


def with_root(cfg, root):
    """A copy of cfg reading its data from root (what --dataset_root does)."""
    cfg = copy.deepcopy(cfg)
    cfg['dataset_args']['dataset_root'] = str(root)
    return cfg


def write_cfg(path, cfg):
    with open(path, 'w') as f:
        yaml.safe_dump(cfg, f, sort_keys=False)
    return str(path)


@pytest.fixture(scope='session')
def mini_root(tmp_path_factory):
    """Mini raw .skeleton files -> the real reader -> npy split folder (x-sub)."""
    from datasets.mini import generate_mini
    from datasets.ntu_skeleton import generate
    base = tmp_path_factory.mktemp('mini')
    generate_mini(str(base / 'raw'), seed=0)
    generate([str(base / 'raw')], str(base / 'npy'), 'ntu-xsub', progress=False)
    return str(base / 'npy' / 'original' / 'ntu-xsub')


def run_options(save_dir, **kw):
    from utils.engine import RunOptions
    return RunOptions(save_dir=str(save_dir), progress=False, **kw)


@pytest.fixture(scope='session')
def trained_lite(lite_cfg, mini_root, tmp_path_factory):
    """One lite training run (the TIPC recipe), shared by the learning, test.py and export checks."""
    import paddle

    from utils.engine import train
    paddle.set_device('cpu')
    cfg = with_root(lite_cfg, mini_root)
    save_dir = tmp_path_factory.mktemp('lite_train')
    result = train(cfg, run_options(save_dir))
    return {'cfg': cfg, 'save_dir': str(save_dir), 'result': result, 'root': mini_root}


_SCRIPTS = {}


def script(rel):
    """Import a script of the folder (train.py, test.py, tools/convert_weights.py, ...) under a unique module name
    (`test` would clash with the standard library's package)."""
    import importlib.util
    if rel not in _SCRIPTS:
        spec = importlib.util.spec_from_file_location('egcn_script_' + rel.replace('/', '_')[:-3],
                                                      os.path.join(ROOT, rel))
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        _SCRIPTS[rel] = mod
    return _SCRIPTS[rel]


def cli(capsys, rel, *argv):
    """Run a script's main in this process as the command line would (utils.run_main): (exit code, out, err)."""
    from utils import run_main
    capsys.readouterr()
    code = 0
    try:
        run_main(script(rel).main, [str(a) for a in argv])
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 1
    out, err = capsys.readouterr()
    return code, out, err


def error_line(err):
    """The single `error:` line of a user error (and no traceback)."""
    lines = [ln for ln in err.strip().splitlines() if ln.startswith('error:')]
    assert len(lines) == 1 and 'Traceback' not in err, err
    return lines[0]
