import numpy as np
import paddle
import paddle.nn.functional as F

from models import MoveNet
from models.layers import InvertedResidual, Upsample2x
from models.movenet import NUM_PARAMS


def trainable(layer):
    return sum(int(np.prod(p.shape)) for p in layer.parameters() if not p.stop_gradient)


def test_param_count_matches_movenet_pytorch():
    net = MoveNet()
    assert trainable(net) == NUM_PARAMS == 1_912_118
    assert trainable(net.backbone) == 1_892_736
    assert trainable(net.header) == 19_382


def test_state_dict_uses_movenet_pytorch_names():
    keys = set(MoveNet().state_dict())
    for k in ['backbone.features1.0.0.weight', 'backbone.features1.2.conv1.3.bias', 'backbone.features2.conv2.0.4.weight',
              'backbone.features2.conv2.1.7._variance', 'backbone.features4.3.0.weight', 'backbone.features4.4.weight',
              'backbone.upsample2.0.bias', 'backbone.upsample1.2.1._mean', 'backbone.conv3.bias', 'backbone.conv4.3._variance',
              'header.header_heatmaps.0.0.weight', 'header.header_heatmaps.1.bias', 'header.header_offsets.1.weight']:
        assert k in keys, k
    assert not any('features4.2.conv2.0' in k for k in keys)  # IR(160->320, n=0) has no residual blocks


def test_output_shapes_and_ranges():
    net = MoveNet()
    net.eval()
    with paddle.no_grad():
        hm, ctr, regs, offs = net(paddle.rand([1, 3, 192, 192]) * 255)
    assert hm.shape == [1, 17, 48, 48] and ctr.shape == [1, 1, 48, 48]
    assert regs.shape == [1, 34, 48, 48] and offs.shape == [1, 34, 48, 48]
    assert float(hm.min()) >= 0 and float(hm.max()) <= 1  # sigmoid heads


def test_upsample2x_equals_bilinear():
    x = paddle.randn([2, 3, 5, 7])
    ref = F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)
    assert float((Upsample2x()(x) - ref).abs().max()) < 1e-5


def test_upsample2x_conv_form_equals_elementwise_form():
    """The export's form (one depthwise transposed conv of the edge-padded input) gives the same values to float32
    rounding, float32 and float64, odd and even sizes; its kernel is not in the state dict."""
    for dtype, tol in (('float32', 2e-6), ('float64', 1e-12)):
        x = paddle.randn([2, 3, 5, 7]).astype(dtype) * 4
        up = Upsample2x(3)
        ref = up(x)
        up.conv_form = True
        out = up(x)
        assert out.shape == ref.shape == [2, 3, 10, 14]
        assert float((out - ref).abs().max()) < tol
        assert float((out - F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)).abs().max()) < tol
    assert 'kernel' not in Upsample2x(3).state_dict() and len(MoveNet().state_dict()) == len(
        [k for k in MoveNet().state_dict() if not k.endswith('kernel')])


def test_inverted_residual_adds_blocks_and_uses_input_expansion():
    ir = InvertedResidual(24, 32, 2, 6, 2)
    assert len(ir.conv2) == 2
    assert ir.conv2[0][0].weight.shape == [144, 32, 1, 1]  # hidden = round(24 * 6), not 32 * 6
    assert ir.conv1[3].bias is not None  # the stride dw conv keeps its bias
    assert ir(paddle.randn([1, 24, 16, 16])).shape == [1, 32, 8, 8]


def test_init_is_kaiming_with_zero_bias():
    net = MoveNet()
    w = net.backbone.features4[3][0].weight.numpy()  # 1x1 conv 320 -> 1280, fan_in 320
    assert abs(w.std() - np.sqrt(2 / 320)) < 0.01
    assert float(net.backbone.conv3.bias.abs().max()) == 0.0


def test_bn_running_variance_follows_torch_unbiased_update():
    """torch.nn.BatchNorm2d (movenet.pytorch's BN, momentum 0.1): running_var = 0.9 * old + 0.1 * unbiased batch var
    (n = N*H*W); Paddle's BatchNorm2D alone uses the biased one (found by alignment step 5)."""
    from models.layers import BatchNorm2D
    bn = BatchNorm2D(3)
    bn.train()
    x = np.random.default_rng(0).normal(1.0, 2.0, (2, 3, 4, 5)).astype(np.float32)
    out = bn(paddle.to_tensor(x))
    np.testing.assert_allclose(bn._variance.numpy(), 0.9 + 0.1 * x.var(axis=(0, 2, 3), ddof=1), rtol=1e-5)
    np.testing.assert_allclose(bn._mean.numpy(), 0.1 * x.mean(axis=(0, 2, 3)), rtol=1e-5, atol=1e-7)
    ref = (x - x.mean(axis=(0, 2, 3), keepdims=True)) / np.sqrt(x.var(axis=(0, 2, 3), keepdims=True) + 1e-5)
    np.testing.assert_allclose(out.numpy(), ref, atol=1e-5)  # normalised with the biased batch variance
    bn.eval()
    np.testing.assert_allclose(bn(paddle.to_tensor(x)).numpy(), (x - bn._mean.numpy()[None, :, None, None]) / np.sqrt(
        bn._variance.numpy()[None, :, None, None] + 1e-5), atol=1e-5)
