"""User errors end with one `error:` line on stderr and exit status 2, no traceback."""
import subprocess
import sys

import pytest

from conftest import ROOT

CASES = [
    (['main.py', '-c', '9999'], 'config'),
    (['infer.py', '--model_dir', 'nowhere', '--input_file', 'x.npy'], 'no model given'),
    (['infer.py'], 'no input'),
    (['tools/ntu_reader.py', '--raw_dirs', '/nonexistent/ntu', '--out_root', '/tmp/egcn_never'], 'raw skeleton'),
    (['train.py', '--config', 'configs/lite.yaml', '--dataset_root', '/nonexistent', '--device', 'cpu'],
     'train_data.npy not found'),
    (['tools/convert_weights.py', '--src', '/nonexistent.pth.tar', '--dst', '/tmp/x.pdparams'], 'not found'),
]


@pytest.mark.parametrize('cmd,msg', CASES)
def test_user_errors(cmd, msg):
    out = subprocess.run([sys.executable] + cmd, cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 2, out.stderr
    lines = [ln for ln in out.stderr.strip().splitlines() if ln.startswith('error:')]
    assert len(lines) == 1 and msg in lines[0] and 'Traceback' not in out.stderr


def test_main_generate_data(tmp_path):
    """main.py -c <config> -gd runs the real reader on the paths of the config."""
    import yaml
    from datasets.mini import generate_mini
    generate_mini(str(tmp_path / 'raw'), seed=2)
    cfg = yaml.safe_load(open(f'{ROOT}/configs/lite.yaml'))
    cfg['dataset'] = 'ntu-xview'
    cfg['dataset_args'].update(raw_dirs=[str(tmp_path / 'raw')], out_root=str(tmp_path / 'npy'), transform=True)
    path = tmp_path / 'cfg.yaml'
    path.write_text(yaml.safe_dump(cfg))
    out = subprocess.run([sys.executable, 'main.py', '-c', str(path), '-gd'], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / 'npy' / 'transformed' / 'ntu-xview' / 'eval_data.npy').exists()
    assert 'bad files skipped' in out.stdout
