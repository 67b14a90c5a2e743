import numpy as np
import paddle
import pytest
import torch

from models import build_model
from tools.convert_weights import convert_state_dict, read_torch_checkpoint
from utils import UserError
from utils.checkpoint import load_pretrained


def torch_style_state(model):
    """The official checkpoint's names: BN buffers as running_mean/var plus num_batches_tracked."""
    out = {}
    for k, v in model.state_dict().items():
        k = k.replace('._mean', '.running_mean').replace('._variance', '.running_var')
        out[k] = torch.from_numpy(v.numpy() + 0.5)
        if k.endswith('running_var'):
            out[k[:-len('running_var')] + 'num_batches_tracked'] = torch.tensor(7)
    return out


def test_convert_official_checkpoint_round_trip(lite_cfg, tmp_path):
    model = build_model(lite_cfg)
    ckpt = tmp_path / '2001_EfficientGCN-B0_ntu-xsub.pth.tar'
    torch.save({'model': torch_style_state(model), 'optimizer': {}, 'epoch': 3}, ckpt)
    state, skipped = convert_state_dict(read_torch_checkpoint(str(ckpt)))
    assert all(k.endswith('num_batches_tracked') for k in skipped) and len(state) == len(model.state_dict())
    dst = tmp_path / 'xsub.pdparams'
    paddle.save({k: paddle.to_tensor(v) for k, v in state.items()}, str(dst))
    fresh = build_model(lite_cfg)
    load_pretrained(fresh, str(dst))
    for k, v in fresh.state_dict().items():
        np.testing.assert_allclose(v.numpy(), model.state_dict()[k].numpy() + 0.5, rtol=1e-6)


def test_classifier_mismatch_reinitialised_when_fine_tuning_refused_otherwise(lite_cfg, tmp_path):
    """Issue 10: another class count re-initialises the head for train.py --pretrained (fine_tune) only;
    test/predict/export/resume refuse with one line naming both counts. Any other mismatch: another model."""
    import copy
    model = build_model(lite_cfg)
    path = tmp_path / 'm.pdparams'
    paddle.save(model.state_dict(), str(path))
    cfg60 = copy.deepcopy(lite_cfg)
    cfg60['num_class'] = 60
    reinit = load_pretrained(build_model(cfg60), str(path), fine_tune=True)
    assert reinit == ['classifier.fc.weight', 'classifier.fc.bias']
    with pytest.raises(UserError, match='has 4 classes but the config has num_class 60'):
        load_pretrained(build_model(cfg60), str(path))
    cfg_b2 = copy.deepcopy(lite_cfg)
    cfg_b2['model_type'] = 'EfficientGCN-B2'
    try:
        load_pretrained(build_model(cfg_b2), str(path))
    except UserError as e:
        assert 'another model' in str(e)
    else:
        raise AssertionError('a B0 checkpoint loaded into B2')


def test_seed_port_checkpoint_without_edge_loads(lite_cfg, tmp_path):
    """The seed's xsub.pdparams has the official names but no `edge` (a constant there): edges start at 1."""
    model = build_model(lite_cfg)
    state = {k: v for k, v in model.state_dict().items() if not k.endswith('.edge')}
    paddle.save(state, str(tmp_path / 'xsub.pdparams'))
    fresh = build_model(lite_cfg)
    with paddle.no_grad():
        fresh.main_stream['block-0_scn'].conv.edge.set_value(paddle.zeros([3, 25, 25]))
    load_pretrained(fresh, str(tmp_path / 'xsub.pdparams'))
    assert np.all(fresh.main_stream['block-0_scn'].conv.edge.numpy() == 1)
