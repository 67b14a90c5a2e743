"""Batch norm layers whose running variance is updated as torch's (MVFNet trains with torch.nn.BatchNorm2d/3d).

In training, torch moves the running variance towards the UNBIASED batch variance (x n / (n - 1),
n = elements per channel); Paddle 3.3's own update uses the biased one. The normalisation itself
(biased batch variance), the running mean, evaluation and export are Paddle's, unchanged. Paddle
momentum 0.9 = torch momentum 0.1. Found by alignment step 5 (running variances after 5 train steps).
"""
import paddle
import paddle.nn as nn


def _torch_running_var_forward(layer, parent_forward, x: paddle.Tensor) -> paddle.Tensor:
    if not layer.training or layer._use_global_stats:
        return parent_forward(x)
    n = 1
    for i, s in enumerate(x.shape):
        if i != 1:
            n *= int(s)
    old = layer._variance.detach().clone()
    out = parent_forward(x)
    if n > 1:  # Paddle wrote m * old + (1 - m) * v_biased; torch has (1 - m) * v_biased * n / (n - 1)
        with paddle.no_grad():
            layer._variance.set_value(layer._variance + (layer._variance - layer._momentum * old) / (n - 1))
    return out


class BatchNorm2D(nn.BatchNorm2D):
    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return _torch_running_var_forward(self, super().forward, x)


class BatchNorm3D(nn.BatchNorm3D):
    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return _torch_running_var_forward(self, super().forward, x)
