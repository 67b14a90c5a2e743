import copy

import numpy as np
import paddle
import pytest

from models import build_model, rescale_block
from models.efficientgcn import scale_coefficient

B0_ARGS = [[48, 1, 0.5], [24, 1, 0.5], [64, 2, 1], [128, 2, 1]]


def full_cfg(lite_cfg, model_type='EfficientGCN-B0'):
    """configs/2001.yaml with another model type (the lite config is the B0 layout at half width)."""
    from conftest import ROOT

    from utils.config import load_config
    cfg = copy.deepcopy(load_config(f'{ROOT}/configs/2001.yaml'))
    cfg.update(model_type=model_type, num_class=60, data_shape=[3, 6, 288, 25, 2])
    return cfg


def test_rescale_block_uses_python_round():
    """EfficientGCNv1 src/model/__init__.py rescale_block (Python round: half to even)."""
    assert rescale_block(B0_ARGS, [1.2, 1.35], 0) == [[48, 1, 0], [32, 1, 0], [64, 2, 1], [128, 2, 1]]
    assert rescale_block(B0_ARGS, [1.2, 1.35], 2) == [[64, 1, 1], [32, 1, 1], [96, 2, 2], [192, 2, 2]]
    assert rescale_block(B0_ARGS, [1.2, 1.35], 4) == [[96, 1, 2], [48, 1, 2], [128, 2, 3], [272, 2, 3]]
    with pytest.raises(ValueError):
        scale_coefficient('EfficientGCN-X')


@pytest.mark.parametrize('model_type,trainable', [('EfficientGCN-B0', 306201), ('EfficientGCN-B2', 534465),
                                                  ('EfficientGCN-B4', 1119945)])
def test_parameter_count(lite_cfg, model_type, trainable):
    model = build_model(full_cfg(lite_cfg, model_type))
    params = model.parameters()
    n_train = sum(int(np.prod(p.shape)) for p in params if not p.stop_gradient)
    assert n_train == trainable
    graphs = [p for n, p in model.named_parameters() if n.endswith('.A')]  # frozen, but in the state dict
    assert len(graphs) == 11 and all(p.stop_gradient and not p.trainable for p in graphs)
    assert all(list(p.shape) == [3, 25, 25] for p in graphs)
    edges = sum(int(np.prod(p.shape)) for n, p in model.named_parameters() if n.endswith('.edge'))
    assert edges == 11 * 3 * 25 * 25
    if model_type.endswith('B0'):
        assert trainable - edges == 285576  # what thop counts: the README's 0.29M


def test_b0_has_no_temporal_layer_in_input_branches_and_official_names(lite_cfg):
    keys = list(build_model(full_cfg(lite_cfg)).state_dict())
    assert not any(k.startswith('input_branches.') and '_tcn-' in k for k in keys)
    for k in ['input_branches.2.init_bn._mean', 'input_branches.0.stem_scn.conv.A',
              'input_branches.0.stem_scn.conv.edge', 'input_branches.0.stem_tcn.conv.weight',
              'input_branches.1.block-1_att.att.conv_v.bias', 'main_stream.block-0_scn.residual.0.weight',
              'main_stream.block-0_tcn-0.depth_conv1.0.weight', 'main_stream.block-1_tcn-0.point_conv2.1._variance',
              'main_stream.block-1_tcn-0.residual.0.weight', 'main_stream.block-1_att.att.fcn.0.weight',
              'classifier.fc.weight']:
        assert k in keys, k


def test_full_size_output_shape(lite_cfg):
    paddle.seed(0)
    model = build_model(full_cfg(lite_cfg))
    model.eval()
    with paddle.no_grad():
        out = model(paddle.randn([1, 3, 6, 288, 25, 2]))
    assert out.shape == [1, 60]


@pytest.mark.parametrize('layer_type,expand', [('Sep', 0), ('Sep', 2), ('Basic', 0)])
def test_other_temporal_layers(lite_cfg, layer_type, expand):
    cfg = copy.deepcopy(lite_cfg)
    cfg['model_args'].update(layer_type=layer_type, expand_ratio=expand)
    model = build_model(cfg)
    model.eval()
    out = model(paddle.randn([2] + cfg['data_shape']))
    assert out.shape == [2, cfg['num_class']]


def test_init_follows_official(lite_cfg):
    """EfficientGCNv1 src/model/nets.py init_param: conv kaiming_normal_(fan_out), Conv3d normal(std=0.001)."""
    model = build_model(full_cfg(lite_cfg))
    fc = model.classifier.fc.weight.numpy()
    assert abs(fc.std() - 0.001) < 2e-4 and np.all(model.classifier.fc.bias.numpy() == 0)
    w = model.main_stream['block-0_scn'].conv.gcn.weight.numpy()  # [192, 96, 1, 1]: fan_out 192
    assert abs(w.std() - np.sqrt(2 / 192)) < 0.01


def test_bn_running_variance_follows_torch():
    """The official model's torch.nn.BatchNorm2d (src/model/layers.py, attentions.py, nets.py) moves its running
    variance towards the unbiased batch variance; Paddle's BatchNorm2D alone uses the biased one (found by
    alignment step 5). models.layers.BatchNorm2D must give torch's running statistics and outputs."""
    import torch

    from models.layers import BatchNorm2D
    x = np.random.RandomState(0).randn(3, 4, 5, 6).astype('float32')
    pd_bn, th_bn = BatchNorm2D(4), torch.nn.BatchNorm2d(4)
    for _ in range(2):
        out = pd_bn(paddle.to_tensor(x)).numpy()
        ref = th_bn(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(out, ref, atol=1e-5)
    np.testing.assert_allclose(pd_bn._variance.numpy(), th_bn.running_var.numpy(), rtol=1e-6)
    np.testing.assert_allclose(pd_bn._mean.numpy(), th_bn.running_mean.numpy(), rtol=1e-6, atol=1e-7)
    pd_bn.eval()
    th_bn.eval()
    np.testing.assert_allclose(pd_bn(paddle.to_tensor(x)).numpy(), th_bn(torch.from_numpy(x)).detach().numpy(),
                               atol=1e-5)


def test_st_joint_attention_pool_expand_equals_mean_broadcast():
    """STJointAtt's pools + expanded multiply (the fast export, issue 14) give the official mean + broadcast product."""
    import paddle.nn.functional as F

    from models.attention import STJointAtt
    paddle.seed(3)
    att = STJointAtt(16, 2, True)
    att.eval()
    x = paddle.randn([2, 16, 30, 25])
    v = x.shape[3]
    x_t = x.mean(axis=3, keepdim=True)
    x_v = x.mean(axis=2, keepdim=True).transpose([0, 1, 3, 2])
    x_att = att.fcn(paddle.concat([x_t, x_v], axis=2))
    ref = F.sigmoid(att.conv_t(x_att[:, :, :-v])) * F.sigmoid(att.conv_v(x_att[:, :, -v:].transpose([0, 1, 3, 2])))
    np.testing.assert_allclose(att(x).numpy(), ref.numpy(), rtol=1e-6, atol=1e-7)


def test_graph_conv_export_matmuls_equal_the_einsum():
    """SpatialGraphConv under to_static (the export): per-partition matmuls summed give the einsum to float32 rounding."""
    from models.graph import ntu_adjacency
    from models.layers import SpatialGraphConv
    paddle.seed(4)
    layer = SpatialGraphConv(6, 16, 2, ntu_adjacency(max_hop=10), True, True)
    layer.edge.set_value(paddle.rand(layer.edge.shape) + 0.5)
    layer.eval()
    x = paddle.randn([2, 6, 40, 25])
    eager = layer(x)
    static = paddle.jit.to_static(layer, input_spec=[paddle.static.InputSpec([None, 6, 40, 25], 'float32')],
                                  full_graph=True)
    np.testing.assert_allclose(static(x).numpy(), eager.numpy(), rtol=1e-5, atol=1e-6)
