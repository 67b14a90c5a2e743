"""models/layers.py: the eager Conv2D bias add (issue 14) against nn.Conv2D's own forward."""
import copy

import numpy as np
import paddle

from models import build_model
from models.layers import Conv2D


def test_fast_bias_conv_is_bit_identical():
    paddle.seed(0)
    conv = Conv2D(3, 6, (3, 1), padding=(1, 0))
    x = paddle.randn([2, 3, 7, 25])
    assert np.array_equal(conv(x).numpy(), paddle.nn.Conv2D.forward(conv, x).numpy())
    no_bias = Conv2D(3, 6, 1, bias_attr=False)
    assert np.array_equal(no_bias(x).numpy(), paddle.nn.Conv2D.forward(no_bias, x).numpy())


def test_fast_bias_conv_keeps_the_loss_curve(lite_cfg, monkeypatch):
    """20 steps of the lite model with the recipe's optimiser (SGD Nesterov momentum 0.9, L2 1e-4): the loss curve with
    the [C, 1, 1] bias add equals nn.Conv2D's to 1e-5, and so do the trained model's eval outputs."""
    cfg = copy.deepcopy(lite_cfg)
    rng = np.random.RandomState(0)
    x = rng.uniform(-1, 1, [2] + cfg['data_shape']).astype('float32')
    y = rng.randint(0, cfg['num_class'], 2).astype('int64')

    def curve(fast: bool):
        if not fast:
            monkeypatch.setattr(Conv2D, 'forward', paddle.nn.Conv2D.forward)
        paddle.seed(0)
        model = build_model(cfg)
        model.train()
        opt = paddle.optimizer.Momentum(0.02, 0.9, parameters=model.parameters(), use_nesterov=True,
                                        weight_decay=paddle.regularizer.L2Decay(1e-4))
        xt, yt = paddle.to_tensor(x), paddle.to_tensor(y)
        losses = []
        for _ in range(20):
            loss = paddle.nn.functional.cross_entropy(model(xt), yt)
            loss.backward()
            opt.step()
            opt.clear_grad()
            losses.append(float(loss))
        model.eval()
        with paddle.no_grad():
            out = model(xt).numpy()
        monkeypatch.undo()
        return np.array(losses), out

    fast_losses, fast_out = curve(True)
    plain_losses, plain_out = curve(False)
    assert np.abs(fast_losses - plain_losses).max() <= 1e-5
    assert np.abs(fast_out - plain_out).max() <= 1e-5
