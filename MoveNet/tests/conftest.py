"""Shared fixtures. This file makes the MoveNet folder importable for every test (the one place tests touch
sys.path); scripts run in-process through their main(argv) (no ~3 s paddle import per call) or, where a real
process matters (exit status, os._exit of a worker, distributed launch, logs of the interpreter), as subprocesses."""
import importlib.util
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
LITE = os.path.join(ROOT, 'configs', 'movenet_lite.yaml')


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


def load_script(script: str):
    """A script of the folder as a module (loaded from its file, so test.py is never the standard library's
    `test` package)."""
    if script not in _SCRIPTS:
        spec = importlib.util.spec_from_file_location('movenet_script_' + script.replace('/', '_')[:-3],
                                                      os.path.join(ROOT, script))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _SCRIPTS[script] = module
    return _SCRIPTS[script]


def run_inprocess(script, args, capsys):
    """`python <script> <args>` in this process: the script's main(argv) -> (exit status, stdout, stderr)."""
    main = load_script(script).main
    capsys.readouterr()
    try:
        main([str(a) for a in args])
        code = 0
    except SystemExit as e:
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def run_script(args, cwd=ROOT, timeout=600, env=None):
    full_env = dict(os.environ, OMP_NUM_THREADS='1', **(env or {}))
    return subprocess.run([sys.executable] + [str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          env=full_env, timeout=timeout)


def error_lines(err: str) -> list:
    return [line for line in err.splitlines() if line.startswith('error: ')]


@pytest.fixture(scope='session')
def lite_run(mini_root, tmp_path_factory):
    """The lite training of configs/movenet_lite.yaml on the mini data, once per session: its save_dir."""
    out = tmp_path_factory.mktemp('lite') / 'out'
    res = run_script(['train.py', '--config', LITE, '--dataset_root', mini_root, '--save_dir', out, '--device', 'cpu'])
    assert res.returncode == 0, res.stderr[-3000:]
    return out
