import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)


@pytest.fixture(scope='session')
def mini_root(tmp_path_factory) -> str:
    """The lite mini data (40 train / 12 val images) through the real conversion; returns --dataset_root."""
    from datasets.mini import make_mini
    return make_mini(str(tmp_path_factory.mktemp('mini') / 'data'), 40, 12, seed=0)


@pytest.fixture(scope='session')
def tiny_root(tmp_path_factory) -> str:
    """A handful of crops for checkpoint/resume/distributed runs."""
    from datasets.mini import make_mini
    return make_mini(str(tmp_path_factory.mktemp('tiny') / 'data'), 4, 2, seed=1)


_SCRIPTS = {}


def run_inprocess(script, args, capsys):
    """`python <script> <args>` in this process (no ~3 s paddle import per call): the script's main() under
    utils.run_main with sys.argv set -> (exit status, stdout, stderr). Scripts are loaded from their files, so
    test.py is never confused with the standard library's `test` package."""
    import importlib.util

    from utils import run_main
    if script not in _SCRIPTS:
        spec = importlib.util.spec_from_file_location('movenet_script_' + script.replace('/', '_')[:-3],
                                                      os.path.join(ROOT, script))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _SCRIPTS[script] = module
    old_argv = sys.argv
    sys.argv = [script] + list(args)
    capsys.readouterr()
    try:
        run_main(_SCRIPTS[script].main)
        code = 0
    except SystemExit as e:
        code = e.code
    finally:
        sys.argv = old_argv
    out, err = capsys.readouterr()
    return code, out, err


def run_script(args, cwd=ROOT, timeout=600):
    import subprocess
    env = dict(os.environ, OMP_NUM_THREADS='1')
    return subprocess.run([sys.executable] + list(args), cwd=cwd, capture_output=True, text=True, env=env,
                          timeout=timeout)


@pytest.fixture(scope='session')
def lite_run(mini_root, tmp_path_factory):
    """The lite training of configs/movenet_lite.yaml on the mini data, once per session: its save_dir."""
    out = tmp_path_factory.mktemp('lite') / 'out'
    res = run_script(['train.py', '--config', 'configs/movenet_lite.yaml', '--dataset_root', mini_root,
                      '--save_dir', str(out), '--device', 'cpu'])
    assert res.returncode == 0, res.stderr[-3000:]
    return out
