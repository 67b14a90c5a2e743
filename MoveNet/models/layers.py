"""Building blocks of movenet.pytorch's MobileNetV2 + FPN, with its Sequential indices kept so that the
state-dict keys match the torch checkpoints one to one."""
import numpy as np
import paddle
import paddle.nn as nn
import paddle.nn.functional as F


class BatchNorm2D(nn.BatchNorm2D):
    """BatchNorm2D whose running variance follows torch.nn.BatchNorm2d (movenet.pytorch): in training it moves
    towards the UNBIASED batch variance (x n / (n - 1), n = N*H*W). Paddle's own update uses the biased one
    (Paddle 3.3: 0.9 * old + 0.1 * var_biased), which the alignment's step 5 showed. The normalisation itself
    (biased batch variance), the running mean and evaluation are Paddle's, unchanged. Momentum 0.9 = torch 0.1."""

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        if not self.training or self._use_global_stats:
            return super().forward(x)
        n = int(x.shape[0]) * int(x.shape[2]) * int(x.shape[3])
        old = self._variance.detach().clone()
        out = super().forward(x)
        if n > 1:  # Paddle wrote m * old + (1 - m) * v_b; add (1 - m) * v_b / (n - 1)
            with paddle.no_grad():
                self._variance.set_value(self._variance + (self._variance - self._momentum * old) / (n - 1))
        return out


def conv_bn(inp: int, oup: int, k: int, stride: int = 1, groups: int = 1, bias: bool = False,
            act: bool = True) -> list:
    layers = [nn.Conv2D(inp, oup, k, stride, k // 2, groups=groups, bias_attr=None if bias else False),
              BatchNorm2D(oup)]
    return layers + [nn.ReLU()] if act else layers


def conv_3x3_act(inp: int, oup: int, stride: int) -> nn.Sequential:
    return nn.Sequential(*conv_bn(inp, oup, 3, stride))


def conv_1x1_act(inp: int, oup: int) -> nn.Sequential:
    return nn.Sequential(*conv_bn(inp, oup, 1))


def dw_conv(inp: int, oup: int, stride: int = 1) -> nn.Sequential:
    """dw3x3 + BN + ReLU, then a linear pw1x1 + BN."""
    return nn.Sequential(*conv_bn(inp, inp, 3, stride, groups=inp), *conv_bn(inp, oup, 1, act=False))


def dw_conv3(inp: int, oup: int, stride: int = 1) -> nn.Sequential:
    """dw3x3 + BN (no ReLU), then pw1x1 + BN + ReLU: the FPN tail and the four heads."""
    return nn.Sequential(*conv_bn(inp, inp, 3, stride, groups=inp, act=False), *conv_bn(inp, oup, 1))


class Upsample2x(nn.Layer):
    """Exact x2 bilinear upsampling (align_corners=False) from elementwise ops.

    F.interpolate(bilinear) breaks oneDNN PIR inference and paddle2onnx in Paddle 3.3; along each axis the
    x2 case reduces to even = 0.25*prev + 0.75*x and odd = 0.75*x + 0.25*next (edges repeated), interleaved.

    Deployment form (`conv_form = True`, set by utils/export.py before tracing, needs `channels`): the same sums as
    one depthwise transposed convolution, stride 2, of the edge-padded input with the 4x4 kernel
    outer([.25, .75, .75, .25]) (each tap is a product of the 1-D weights, all exact in float32). Paddle Inference
    (oneDNN) runs it as one kernel instead of ~20 slice/scale/add/concat/stack ops (tools/benchmark.py --profile
    True); the kernel is a non-persistable buffer, so checkpoints do not change.
    """

    def __init__(self, channels: int = 0):
        super().__init__()
        self.channels = channels
        self.conv_form = False
        if channels:
            w = np.array([0.25, 0.75, 0.75, 0.25], dtype=np.float32)
            self.register_buffer('kernel', paddle.to_tensor(np.tile(np.outer(w, w)[None, None], (channels, 1, 1, 1))),
                                 persistable=False)

    @staticmethod
    def _axis(x: paddle.Tensor, axis: int) -> paddle.Tensor:
        n = x.shape[axis]
        first = paddle.slice(x, [axis], [0], [1])
        last = paddle.slice(x, [axis], [n - 1], [n])
        prev = paddle.concat([first, paddle.slice(x, [axis], [0], [n - 1])], axis=axis)
        nxt = paddle.concat([paddle.slice(x, [axis], [1], [n]), last], axis=axis)
        even = 0.25 * prev + 0.75 * x
        odd = 0.75 * x + 0.25 * nxt
        return paddle.stack([even, odd], axis=axis + 1).flatten(start_axis=axis, stop_axis=axis + 1)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        if self.conv_form and self.channels:
            # padded index i+1 holds x[i]; padding 3 = 1 (bilinear taps) + 2 (the edge row, stride 2)
            return F.conv2d_transpose(F.pad(x, [1, 1, 1, 1], mode='replicate'), self.kernel.astype(x.dtype),
                                      stride=2, padding=3, groups=self.channels)
        return self._axis(self._axis(x, 2), 3)


def upsample(inp: int, oup: int) -> nn.Sequential:
    """FPN top-down step: biased dw3x3 + ReLU, conv_1x1_act, then x2 bilinear."""
    return nn.Sequential(nn.Conv2D(inp, inp, 3, 1, 1, groups=inp), nn.ReLU(), conv_1x1_act(inp, oup),
                         Upsample2x(oup))


class InvertedResidual(nn.Layer):
    """movenet.pytorch's non-standard MobileNetV2 stage: `conv1` (pw, biased dw with the stride, linear pw;
    no skip) followed by n residual blocks in `conv2`, whose hidden width is inp*t of the stage input."""

    def __init__(self, inp: int, oup: int, stride: int, t: int, n: int):
        super().__init__()
        hidden = round(inp * t)
        self.conv1 = nn.Sequential(*conv_bn(inp, hidden, 1),
                                   nn.Conv2D(hidden, hidden, 3, stride, 1, groups=hidden), BatchNorm2D(hidden),
                                   nn.ReLU(), *conv_bn(hidden, oup, 1, act=False))
        self.conv2 = nn.LayerList([
            nn.Sequential(*conv_bn(oup, hidden, 1), *conv_bn(hidden, hidden, 3, groups=hidden),
                          *conv_bn(hidden, oup, 1, act=False)) for _ in range(n)])

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        x = self.conv1(x)
        for block in self.conv2:
            x = x + block(x)
        return x
