import numpy as np
import paddle
import pytest
from conftest import PAPER, model_cfg
from export_model import input_shape

from models import MVF, build_model
from utils.config import load_config


def n_params(model) -> int:
    return sum(int(np.prod(p.shape)) for p in model.parameters() if p.trainable)


def test_param_count_full_size():
    # ResNet-50 trunk 23,508,032 + MVF 14,784 + fc 2048*101+101 (spec 4.1, computed)
    model = build_model(load_config(PAPER)["model"])
    assert n_params(model) == 23_729_765
    assert n_params(build_model(model_cfg(PAPER, num_classes=400, num_segments=16))) == 24_342_416


def test_mvfnet_parameter_names():
    sd = build_model(model_cfg(PAPER, num_classes=101, num_segments=16)).state_dict()
    for key, shape in [("backbone.layer3.0.conv1.net.weight", [256, 512, 1, 1]),
                       ("backbone.layer3.0.conv1.shift_conv.weight", [64, 1, 3, 1, 1]),
                       ("backbone.layer3.1.conv1.h_conv.weight", [128, 1, 1, 3, 1]),
                       ("backbone.layer4.2.conv1.w_conv.weight", [256, 1, 1, 1, 3]),
                       ("backbone.layer4.2.conv1.bn._variance", [256]),
                       ("backbone.layer2.0.downsample.0.weight", [512, 256, 1, 1]),
                       ("backbone.layer1.0.conv1.weight", [64, 64, 1, 1]),
                       ("cls_head.new_fc.weight", [2048, 101])]:
        assert list(sd[key].shape) == shape, key
    assert not any("layer2" in k and "shift_conv" in k for k in sd)


def test_full_size_export_spec():
    cfg = load_config(PAPER)
    assert input_shape(cfg) == [None, 30 * 16, 3, 256, 256]  # 10 clips x ThreeCrop(256) x 16 frames


@pytest.mark.parametrize("segments", [1, 3, 5])
def test_any_segment_count_output_shape(segments):
    model = build_model(model_cfg(PAPER, num_classes=7, num_segments=segments, fcn_testing=True))
    model.eval()
    out = model(paddle.rand([2, 2 * segments, 3, 32, 32]))
    assert out.shape == [2, 2, 7]


def test_fcn_testing_equals_fc_path_in_eval():
    paddle.seed(0)
    model = build_model(model_cfg(PAPER, num_classes=5, num_segments=2, fcn_testing=True))
    model.eval()
    x = paddle.rand([1, 4, 3, 64, 64])
    fcn = model(x)
    model.fcn_testing = False
    np.testing.assert_allclose(fcn.numpy(), model(x).numpy(), atol=1e-5)


def test_mvf_fuses_only_the_first_channels_and_mixes_time():
    paddle.seed(0)
    mvf = MVF(paddle.nn.Identity(), num_segments=4, in_channels=16, alpha=0.25)
    mvf.eval()
    x = paddle.rand([8, 16, 5, 5])  # 2 videos x 4 segments
    y = mvf(x)
    np.testing.assert_array_equal(y[:, 4:].numpy(), x[:, 4:].numpy())  # untouched part
    x2 = x.clone()
    x2[1, :4] += 1.0  # change frame 1 of video 0 in the fused channels
    d = (mvf(x2) - y).abs().sum(axis=[1, 2, 3]).numpy()
    assert d[0] > 0 and d[2] > 0 and d[3] == 0 and np.all(d[4:] == 0)  # temporal kernel 3, same video only


@pytest.mark.parametrize("mode,share,convs", [("THW", False, {"shift_conv", "h_conv", "w_conv"}),
                                               ("TH", False, {"shift_conv", "h_conv"}),
                                               ("T", False, {"shift_conv"}),
                                               ("THW", True, {"shift_conv"})])
def test_mvf_modes(mode, share, convs):
    mvf = MVF(paddle.nn.Identity(), 2, 16, 0.25, share=share, mode=mode)
    names = {k.split(".")[0] for k in mvf.state_dict() if k.endswith("weight")} - {"bn"}
    assert names == convs
    assert mvf(paddle.rand([4, 16, 3, 3])).shape == [4, 16, 3, 3]
    with pytest.raises(ValueError):
        MVF(paddle.nn.Identity(), 2, 16, mode="HW")


@pytest.mark.parametrize("dims", [4, 5])
def test_bn_running_variance_follows_torch_unbiased_update(dims):
    """MVFNet trains with torch.nn.BatchNorm2d/3d (codes/models/backbones/resnet.py, modules/MVF.py): in
    train mode the running variance moves towards the UNBIASED batch variance (x n/(n-1)); Paddle's own
    update uses the biased one. models/bn.py restores torch's rule; normalisation and running mean unchanged."""
    from models.bn import BatchNorm2D, BatchNorm3D
    x = np.random.RandomState(0).randn(*([4, 3, 5, 5] if dims == 4 else [2, 3, 2, 5, 5])).astype("float32")
    bn = (BatchNorm2D if dims == 4 else BatchNorm3D)(3)
    bn.train()
    out = bn(paddle.to_tensor(x)).numpy()
    axes = tuple(i for i in range(dims) if i != 1)
    n = x.size // 3
    np.testing.assert_allclose(bn._variance.numpy(), 0.9 + 0.1 * x.var(axis=axes) * n / (n - 1), rtol=1e-5)
    np.testing.assert_allclose(bn._mean.numpy(), 0.1 * x.mean(axis=axes), atol=1e-6)
    shape = [1, 3] + [1] * (dims - 2)
    ref = (x - x.mean(axis=axes).reshape(shape)) / np.sqrt(x.var(axis=axes).reshape(shape) + 1e-5)
    np.testing.assert_allclose(out, ref, atol=1e-5)  # normalised with the biased batch variance
    bn.eval()
    np.testing.assert_allclose(bn(paddle.to_tensor(x)).numpy(),
                               (x - bn._mean.numpy().reshape(shape)) / np.sqrt(bn._variance.numpy().reshape(shape)
                                                                               + 1e-5), atol=1e-5)
