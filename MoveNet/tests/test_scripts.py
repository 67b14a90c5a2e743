import os

import paddle
import pytest

from conftest import run_script


@pytest.mark.parametrize('args, msg', [
    (['train.py', '--dataset_root', '/nonexistent', '--device', 'cpu'], 'train2017.json not found'),
    (['train.py', '--config', 'configs/nope.yaml'], 'config configs/nope.yaml not found'),
    (['test.py', '--pretrained', '/nonexistent.pdparams'], 'not found'),
    (['infer.py', '--model_dir', '/nonexistent', '--input_file', 'x.jpg'], 'not found'),
    (['predict.py', '--pretrained', 'x'], 'nothing to predict'),
    (['export_model.py', '--model_path', '/nonexistent.pdparams'], 'not found'),
    (['tools/convert_weights.py', '--src', '/nonexistent.pth', '--dst', 'x.pdparams'], 'not found'),
    (['scripts/make_coco_data_17keypooints.py', '--coco_root', '/nonexistent', '--splits', 'val'], 'not found'),
])
def test_user_errors_are_one_line_exit_2(args, msg):
    res = run_script(args)
    assert res.returncode == 2, res.stderr[-2000:]
    err = [line for line in res.stderr.splitlines() if line.startswith('error: ')]
    assert len(err) == 1 and msg in err[0] and 'Traceback' not in res.stderr


def test_checkpoint_of_another_model_is_refused(tmp_path, mini_root):
    paddle.save({'fc.weight': paddle.zeros([3, 3])}, str(tmp_path / 'other.pdparams'))
    res = run_script(['test.py', '--dataset_root', mini_root, '--pretrained', str(tmp_path / 'other.pdparams')])
    assert res.returncode == 2 and 'checkpoint of another model' in res.stderr


def test_torch_checkpoint_converts_by_name(tmp_path):
    torch = pytest.importorskip('torch')
    from models import MoveNet
    net = MoveNet()
    state = {}
    for k, v in net.state_dict().items():
        k = k.replace('._mean', '.running_mean').replace('._variance', '.running_var')
        state[k] = torch.from_numpy(v.numpy() + 0.5)
        if k.endswith('running_var'):
            state[k.replace('running_var', 'num_batches_tracked')] = torch.tensor(3)
    torch.save({'state_dict': state}, str(tmp_path / 'e118_valacc0.79805.pth'))
    res = run_script(['tools/convert_weights.py', '--src', str(tmp_path / 'e118_valacc0.79805.pth'), '--dst',
                      str(tmp_path / 'm.pdparams')])
    assert res.returncode == 0, res.stderr[-2000:]
    conv = paddle.load(str(tmp_path / 'm.pdparams'))
    assert set(conv) == set(net.state_dict())
    assert float(conv['backbone.features1.0.1._variance'][0]) == pytest.approx(float(net.state_dict()['backbone.features1.0.1._variance'][0]) + 0.5)
    # the same .pth also loads directly as --pretrained (converted on the fly)
    from utils import load_weights
    fresh = MoveNet()
    load_weights(fresh, str(tmp_path / 'e118_valacc0.79805.pth'))
    assert float(fresh.state_dict()['header.header_regs.1.bias'][0]) == pytest.approx(0.5)
    assert os.path.isfile(tmp_path / 'm.pdparams')


def test_seed_paddle_checkpoint_with_pth_suffix_loads(tmp_path):
    """MoveNet.Paddle saved its Paddle state dicts as output/e74_valacc0.76914.pth with the same names."""
    from models import MoveNet
    from utils import load_weights
    src = MoveNet()
    paddle.save(src.state_dict(), str(tmp_path / 'e74_valacc0.76914.pth'))
    dst = MoveNet()
    load_weights(dst, str(tmp_path / 'e74_valacc0.76914.pth'))
    for k, v in src.state_dict().items():
        assert (dst.state_dict()[k].numpy() == v.numpy()).all(), k
