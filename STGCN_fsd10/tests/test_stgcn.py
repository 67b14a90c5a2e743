"""The network against PaddleVideo paddlevideo/modeling/backbones/stgcn.py STGCN + heads/stgcn_head.py
(= yysijie net/st_gcn.py Model): parameter count, names, shapes."""
import paddle
import pytest
from conftest import model_cfg

from models import build_model


def trainable(model) -> int:
    # Paddle keeps BN running statistics as non-trainable parameters; torch counts only the trainable ones
    return sum(int(p.size) for p in model.parameters() if not p.stop_gradient)


def test_parameter_count_fsd10():
    model = build_model(model_cfg(in_channels=2, num_classes=30))
    assert trainable(model) == 3_090_880
    assert sum(int(p.size) for p in model.backbone.edge_importance) == 10 * 3 * 25 * 25


def test_paddlevideo_parameter_names():
    """STGCN(data_bn, st_gcn_networks.i.{gcn.conv, tcn.0/2/3, residual.0/1}, edge_importance.i, buffer A) and
    STGCNHead.fcn under RecognizerGCN's backbone/head: STGCN_fsd.pdparams loads by name."""
    names = set(build_model(model_cfg(num_classes=30)).state_dict())
    assert len(names) == 149
    for key in ["backbone.A", "backbone.data_bn._variance", "backbone.st_gcn_networks.0.gcn.conv.weight",
                "backbone.st_gcn_networks.0.tcn.2.weight", "backbone.st_gcn_networks.4.residual.0.weight",
                "backbone.st_gcn_networks.7.residual.1._mean", "backbone.edge_importance.9", "head.fcn.weight"]:
        assert key in names
    assert "backbone.st_gcn_networks.0.residual.0.weight" not in names  # block 1 has no residual
    assert "backbone.st_gcn_networks.1.residual.0.weight" not in names  # identity residual


@pytest.mark.parametrize("frames", [16, 23])
def test_output_shape_any_window(frames):
    model = build_model(model_cfg(num_classes=30))
    model.eval()
    out = model(paddle.randn([2, 2, frames, 25, 1]))
    assert out.shape == [2, 30]


def test_ntu_layout_two_persons():
    """stgcn_ntucs.yaml backbone (in_channels 3, dropout 0.5, layout ntu-rgb+d), M=2: the mean over persons
    (STGCN.forward reshape (N, M, C, 1, 1).mean(axis=1)) gives one row per sample."""
    model = build_model(model_cfg(in_channels=3, num_classes=60, layout="ntu-rgb+d", dropout=0.5))
    model.eval()
    assert model(paddle.randn([1, 3, 12, 25, 2])).shape == [1, 60]
    assert model.backbone.data_bn.weight.shape == [75]  # V * C


def test_fast_bias_conv_is_exact(monkeypatch):
    """models.stgcn.Conv2D (the eager bias add as [C, 1, 1], ~100x faster on CPU) against nn.Conv2D's own forward:
    the same output bit for bit, and the loss curve of 20 Momentum steps (the lite recipe's optimiser, lr 0.05)
    equal to 1e-5 (a two-block table keeps the test short: every conv kind of the network is in it)."""
    import numpy as np

    from models.stgcn import Conv2D

    def curve(fast: bool):
        if not fast:
            monkeypatch.setattr(Conv2D, "forward", paddle.nn.Conv2D.forward)
        paddle.seed(0)
        model = build_model(model_cfg(in_channels=2, num_classes=5, blocks=[[16, 1], [32, 2]]))
        model.train()
        opt = paddle.optimizer.Momentum(learning_rate=0.05, momentum=0.9, parameters=model.parameters(),
                                        weight_decay=paddle.regularizer.L2Decay(1e-4))
        rng = np.random.RandomState(0)
        x = paddle.to_tensor(rng.uniform(-1, 1, (4, 2, 8, 25, 1)).astype("float32"))
        y = paddle.to_tensor(rng.randint(0, 5, 4).astype("int64"))
        losses = []
        for _ in range(20):
            loss = paddle.nn.functional.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            opt.clear_grad()
            losses.append(float(loss))
        model.eval()
        with paddle.no_grad():
            out = model(x).numpy()
        monkeypatch.undo()
        return np.array(losses), out

    fast_losses, fast_out = curve(True)
    plain_losses, plain_out = curve(False)
    assert np.abs(fast_losses - plain_losses).max() <= 1e-5
    assert np.abs(fast_out - plain_out).max() <= 1e-5
    conv = Conv2D(3, 6, (3, 1), padding=(1, 0))
    x = paddle.randn([2, 3, 5, 4])
    assert np.array_equal(conv(x).numpy(), paddle.nn.Conv2D.forward(conv, x).numpy())


def test_static_graph_conv_equals_einsum():
    """The exported graph conv (per-partition matmuls on channel slices, summed) against the dygraph einsum
    "nkctv,kvw->nctw" of PaddleVideo backbones/stgcn.py ConvTemporalGraphical.forward: the same values to float32
    rounding, for the spatial strategy's K = 3 and a dynamic time axis; the whole exported model too."""
    import numpy as np

    from models.stgcn import ConvTemporalGraphical
    paddle.seed(0)
    gcn = ConvTemporalGraphical(8, 16, 3)
    A = paddle.rand([3, 25, 25])
    x = paddle.randn([2, 8, 11, 25])
    static = paddle.jit.to_static(gcn, full_graph=True, input_spec=[
        paddle.static.InputSpec([None, 8, None, 25], "float32"), paddle.static.InputSpec([3, 25, 25], "float32")])
    with paddle.no_grad():  # inference, as exported (no backward program)
        eager = gcn(x, A).numpy()
        assert np.abs(static(x, A).numpy() - eager).max() <= 1e-5 * np.abs(eager).max()
    model = build_model(model_cfg(num_classes=30))
    model.eval()
    x = paddle.randn([1, 2, 20, 25, 1])
    with paddle.no_grad():
        eager = model(x).numpy()
        static = paddle.jit.to_static(model, full_graph=True)(x).numpy()
    assert np.abs(static - eager).max() <= 1e-4
