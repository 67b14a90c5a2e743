"""PreciseBN: recompute BN running statistics as a true average over ``num_iters`` training batches
(the seed's option; it removes the EMA lag of the statistics before evaluation)."""
import itertools

import paddle
import paddle.nn as nn


@paddle.no_grad()
def precise_bn(model: nn.Layer, loader, num_iters: int = 200) -> int:
    """Returns the number of batches used. Runs the model in train mode (dropout on, no grads)."""
    bns = [m for m in model.sublayers() if isinstance(m, nn.layer.norm._BatchNormBase)]
    if not bns or num_iters <= 0:
        return 0
    momenta = [bn._momentum for bn in bns]
    means = [paddle.zeros_like(bn._mean) for bn in bns]
    variances = [paddle.zeros_like(bn._variance) for bn in bns]
    was_training = model.training
    model.train()
    for bn in bns:
        bn._momentum = 0.0  # running stat := this batch's stat, then averaged below
    n = 0
    for n, (imgs, _) in enumerate(itertools.islice(loader, num_iters), 1):
        model(imgs)
        for i, bn in enumerate(bns):
            means[i] += (bn._mean - means[i]) / n
            variances[i] += (bn._variance - variances[i]) / n
    for i, bn in enumerate(bns):
        bn._momentum = momenta[i]
        if n:
            bn._mean.set_value(means[i])
            bn._variance.set_value(variances[i])
    model.train(was_training)
    return n
