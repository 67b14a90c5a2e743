import numpy as np
import paddle
import paddle.nn as nn

from utils.precise_bn import precise_bn


def test_running_stats_become_the_average_of_batch_stats():
    paddle.seed(0)
    model = nn.Sequential(nn.BatchNorm2D(3))
    rng = np.random.RandomState(0)
    batches = [(paddle.to_tensor(rng.randn(4, 3, 2, 2).astype("float32") + i), None) for i in range(3)]
    model.eval()
    n = precise_bn(model, batches, num_iters=10)
    assert n == 3 and not model.training  # mode restored
    expected = np.mean([b.numpy().mean(axis=(0, 2, 3)) for b, _ in batches], axis=0)
    np.testing.assert_allclose(model[0]._mean.numpy(), expected, atol=1e-5)
    assert model[0]._momentum == 0.9
