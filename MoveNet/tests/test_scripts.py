import paddle
import pytest
from conftest import LITE, error_lines, run_inprocess, run_script


@pytest.mark.parametrize('args, msg', [
    (['train.py', '--dataset_root', '/nonexistent', '--device', 'cpu'], 'train2017.json not found'),
    (['train.py', '--config', 'configs/nope.yaml'], 'config configs/nope.yaml not found'),
    (['test.py', '--pretrained', '/nonexistent.pdparams', '--config', LITE], 'not found'),
    (['test.py', '--pretrained', '/nonexistent.pdparams'], 'no config.yaml beside /nonexistent.pdparams'),
    (['infer.py', '--model_dir', '/nonexistent', '--input_file', 'x.jpg'], 'not found'),
    (['predict.py', '--pretrained', 'x'], 'nothing to predict'),
    (['export_model.py', '--model_path', '/nonexistent.pdparams', '--config', LITE], 'not found'),
    (['tools/convert_weights.py', '--src', '/nonexistent.pth', '--dst', 'x.pdparams'], 'not found'),
    (['scripts/make_coco_crops.py', '--coco_root', '/nonexistent', '--splits', 'val'], 'not found'),
    (['train.py', '--no_such_flag', '1'], 'unrecognized arguments: --no_such_flag'),
])
def test_user_errors_are_one_line_exit_2(args, msg, capsys):
    code, _, err = run_inprocess(args[0], args[1:], capsys)
    lines = error_lines(err)
    assert code == 2 and len(lines) == 1 and msg in lines[0] and 'Traceback' not in err, err[-2000:]


def test_user_error_in_a_real_process_exits_2():
    """One real command line: the `error:` line and status 2 survive the interpreter exit."""
    res = run_script(['test.py', '--pretrained', '/nonexistent.pdparams', '--config', LITE])
    assert res.returncode == 2 and res.stderr.strip().splitlines()[-1].startswith('error: weights file /nonexistent')


@pytest.mark.parametrize('wrapper, args, msg', [
    ('pd2onnx.py', ['--model_path', '/nonexistent.pdparams'], 'no config.yaml beside /nonexistent.pdparams'),
    ('scripts/make_coco_data_17keypooints.py', ['--coco_root', '/nonexistent', '--splits', 'val'], 'not found'),
])
def test_seed_names_are_wrappers_of_the_same_scripts(wrapper, args, msg):
    """MoveNet.Paddle's pd2onnx.py and make_coco_data_17keypooints.py: three-line wrappers with the same flags."""
    import os

    from conftest import ROOT
    with open(os.path.join(ROOT, wrapper)) as f:
        assert len([line for line in f if line.strip()]) <= 3
    res = run_script([wrapper, *args])
    assert res.returncode == 2 and msg in error_lines(res.stderr)[0], res.stderr[-2000:]


def test_checkpoint_of_another_model_is_refused(tmp_path, mini_root, capsys):
    paddle.save({'fc.weight': paddle.zeros([3, 3])}, str(tmp_path / 'other.pdparams'))
    code, _, err = run_inprocess('test.py', ['--dataset_root', mini_root, '--pretrained', tmp_path / 'other.pdparams',
                                             '--config', LITE], capsys)
    assert code == 2 and 'does not match MoveNet: 345 missing' in err and '1 unexpected (fc.weight)' in err


def test_torch_checkpoint_converts_by_name(tmp_path, capsys):
    """movenet.pytorch current-form names (lib/models/movenet_mobilenetv2.py since 6eb59cd) map one to one; BN
    running_mean/var -> _mean/_variance, num_batches_tracked dropped, a 'state_dict' wrapper unwrapped."""
    torch = pytest.importorskip('torch')
    from models import MoveNet
    from tools.convert_weights import main
    net = MoveNet()
    state = {}
    for k, v in net.state_dict().items():
        k = k.replace('._mean', '.running_mean').replace('._variance', '.running_var')
        state[k] = torch.from_numpy(v.numpy() + 0.5)
        if k.endswith('running_var'):
            state[k.replace('running_var', 'num_batches_tracked')] = torch.tensor(3)
    torch.save({'state_dict': state}, str(tmp_path / 'e118_valacc0.79805.pth'))
    main(['--src', str(tmp_path / 'e118_valacc0.79805.pth'), '--dst', str(tmp_path / 'm.pdparams')])
    assert 'converted 345 tensors' in capsys.readouterr().out
    conv = paddle.load(str(tmp_path / 'm.pdparams'))
    assert set(conv) == set(net.state_dict())
    assert float(conv['backbone.features1.0.1._variance'][0]) == pytest.approx(float(net.state_dict()['backbone.features1.0.1._variance'][0]) + 0.5)
    from utils.checkpoint import load_weights
    fresh = MoveNet()
    load_weights(fresh, str(tmp_path / 'm.pdparams'))
    assert float(fresh.state_dict()['header.header_regs.1.bias'][0]) == pytest.approx(0.5)


def test_seed_paddle_checkpoint_with_pth_suffix_loads(tmp_path):
    """MoveNet.Paddle saved its Paddle state dicts as output/e74_valacc0.76914.pth with the same names."""
    from models import MoveNet
    from utils.checkpoint import load_weights
    src = MoveNet()
    paddle.save(src.state_dict(), str(tmp_path / 'e74_valacc0.76914.pth'))
    dst = MoveNet()
    load_weights(dst, str(tmp_path / 'e74_valacc0.76914.pth'))
    for k, v in src.state_dict().items():
        assert (dst.state_dict()[k].numpy() == v.numpy()).all(), k
