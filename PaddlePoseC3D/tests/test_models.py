"""Parameter counts, names and shapes of the PoseC3D network."""
import numpy as np
import paddle
import pytest
from conftest import model_cfg

from models import build_model
from models.recognizer3d import average_views


def n_params(model):
    return sum(int(p.size) for p in model.parameters() if not p.stop_gradient)  # BN mean/var are not trainable


def test_parameter_count_ucf101():
    """The official build (mmaction.models.build_model of the UCF-101 keypoint config) has 3,055,173 parameters."""
    model = build_model(model_cfg())
    # computed from the official build: backbone 3,003,360 + fc 512*101+101 (the metafile's 3,055,584 is wrong)
    assert n_params(model) == 3_055_173
    assert n_params(model.backbone) == 3_003_360
    assert len(model.state_dict()) == 217  # 43 conv+BN units x 5 tensors + fc weight, bias (seed: 217/217)


@pytest.mark.parametrize("depth,stage3_blocks,params", [(101, 23, 10_044_485), (152, 36, 15_801_925)])
def test_deeper_settings(depth, stage3_blocks, params):
    model = build_model(model_cfg(depth=depth))
    assert len(model.backbone.layer3) == stage3_blocks
    assert model.backbone.feat_dim == 512
    # hand-checked: R50 + 17 (152: 30, and 4 in layer2) extra bottlenecks of 411,136 (103,168) parameters
    assert n_params(model) == params


def test_official_names_and_init():
    """mmaction2 0.x backbones/resnet3d.py: mmcv ConvModule names (conv, bn), conv1 (1,7,7), inflate '3x1x1' in
    layer2/3 only, bias-free convs, zero_init_residual (conv3.bn weight 0), BN3d eps 1e-5 / torch momentum 0.1."""
    model = build_model(model_cfg())
    sd = model.state_dict()
    for key in ("backbone.conv1.conv.weight", "backbone.layer1.0.downsample.bn._mean",
                "backbone.layer3.5.conv3.bn.weight", "cls_head.fc_cls.weight"):
        assert key in sd
    assert list(sd["backbone.conv1.conv.weight"].shape) == [32, 17, 1, 7, 7]
    assert list(sd["backbone.layer2.0.conv1.conv.weight"].shape) == [64, 128, 3, 1, 1]  # inflated 3x1x1
    assert list(sd["backbone.layer1.0.conv1.conv.weight"].shape) == [32, 32, 1, 1, 1]
    assert float(sd["backbone.layer1.0.conv3.bn.weight"].abs().sum()) == 0  # zero-init residual
    assert not any(k.endswith(".conv.bias") for k in sd)
    bn = model.backbone.conv1.bn
    assert bn._momentum == pytest.approx(0.9) and bn._epsilon == pytest.approx(1e-5)  # torch momentum 0.1


def test_full_size_backbone_shape_one_view():
    model = build_model(model_cfg())
    model.eval()
    with paddle.no_grad():
        feat = model.backbone(paddle.zeros([1, 17, 48, 56, 56]))
    assert feat.shape == [1, 512, 24, 7, 7]


def test_small_forward_and_view_average():
    model = build_model(model_cfg(num_classes=5, base_channels=4))
    model.eval()
    x = paddle.to_tensor(np.random.RandomState(0).rand(6, 17, 4, 16, 16).astype("float32"))
    logits = model(x)
    assert logits.shape == [6, 5]
    probs = average_views(logits, 3).numpy()
    expected = paddle.nn.functional.softmax(logits, -1).numpy().reshape(2, 3, 5).mean(1)
    np.testing.assert_allclose(probs, expected, rtol=1e-6)
    np.testing.assert_allclose(probs.sum(1), 1, rtol=1e-5)


def test_limb_config_stage_blocks_4_6_3():
    """mmaction2 0.x configs/skeleton/posec3d/slowonly_r50_u48_240e_ntu60_xsub_limb.py: ResNet3dSlowOnly with
    stage_blocks=(4, 6, 3) (ResNet3d.__init__ uses them instead of the depth's), 60 classes; 2,024,860 parameters
    counted on the official build (mmaction.models.build_model of that config)."""
    from utils.config import load_config
    cfg = load_config("configs/posec3d_r50_ntu60_xsub_limb.yaml")["model"]
    model = build_model(cfg)
    assert [len(getattr(model.backbone, f"layer{i}")) for i in (1, 2, 3)] == [4, 6, 3]
    assert n_params(model) == 2_024_860
    with pytest.raises(ValueError, match="num_stages"):
        build_model(dict(cfg, stage_blocks=[4, 6]))


def test_bn_running_variance_is_updated_with_the_unbiased_batch_variance():
    """mmcv BN3d is torch.nn.BatchNorm3d: in training, running_var = 0.9 * running_var + 0.1 * var * n / (n - 1)
    (unbiased, n = N*T*H*W); Paddle's BatchNorm3D alone would use the biased var (found by alignment step 5)."""
    from models.resnet3d_slowonly import BatchNorm3d
    x = np.random.RandomState(0).randn(2, 3, 2, 2, 2).astype("float32")
    bn = BatchNorm3d(3, momentum=0.9, epsilon=1e-5)
    bn.train()
    out = bn(paddle.to_tensor(x)).numpy()
    flat = x.transpose(1, 0, 2, 3, 4).reshape(3, -1)
    np.testing.assert_allclose(bn._variance.numpy(), 0.9 + 0.1 * flat.var(1, ddof=1), rtol=1e-6)
    np.testing.assert_allclose(bn._mean.numpy(), 0.1 * flat.mean(1), rtol=1e-5, atol=1e-7)
    expected = (x - flat.mean(1)[None, :, None, None, None]) / np.sqrt(flat.var(1) + 1e-5)[None, :, None, None, None]
    np.testing.assert_allclose(out, expected, rtol=1e-4, atol=1e-5)  # normalised with the biased variance
    bn.eval()
    before = bn._variance.numpy().copy()
    bn(paddle.to_tensor(x))
    np.testing.assert_array_equal(bn._variance.numpy(), before)
