"""Multi-View Fusion (MVF) module (MVFNet, Wu et al. 2021, Fig. 2).

A fraction ``alpha`` of the channels entering a bottleneck's first 1x1 conv is viewed as a
(N, C, T, H, W) volume and filtered by three depthwise 3-tap convolutions, one along each view
(T, H, W); their sum goes through BN and hard-swish and is concatenated back to the untouched
channels before the wrapped conv runs. Parameter names follow MVFNet (``net``, ``shift_conv``,
``h_conv``, ``w_conv``, ``bn``) so its checkpoints convert by name.
"""
import math

import paddle
import paddle.nn as nn

from .bn import BatchNorm3D

MODES = ("THW", "TH", "T")


def _depthwise_conv3d(channels: int, kernel: list, padding: list) -> nn.Conv3D:
    # MVFNet init: N(0, sqrt(2 / (kt*kh*kw*out_channels))).
    std = math.sqrt(2.0 / (kernel[0] * kernel[1] * kernel[2] * channels))
    return nn.Conv3D(channels, channels, kernel, stride=1, padding=padding, groups=channels,
                     weight_attr=nn.initializer.Normal(0.0, std), bias_attr=False)


class MVF(nn.Layer):
    """Wraps ``net`` (the block's conv1) and fuses the T, H and W views of the first channels."""

    def __init__(self, net: nn.Layer, num_segments: int, in_channels: int, alpha: float = 0.125,
                 use_hs: bool = True, share: bool = False, mode: str = "THW"):
        super().__init__()
        if mode not in MODES:
            raise ValueError(f"MVF mode must be one of {MODES}, got {mode!r}")
        self.net = net
        self.num_segments = num_segments
        self.num_fused = int(in_channels * alpha)
        self.split_sizes = [self.num_fused, in_channels - self.num_fused]
        self.use_hs = use_hs
        self.share = share
        self.mode = mode
        if self.num_fused == 0:
            return
        c = self.num_fused
        self.shift_conv = _depthwise_conv3d(c, [3, 1, 1], [1, 0, 0])
        self.bn = BatchNorm3D(c, weight_attr=nn.initializer.Constant(1.0),
                                 bias_attr=nn.initializer.Constant(0.0))
        # MVFNet keeps `bn` in the state dict even with use_hs=False, but applies BN + h-swish only with it.
        self.activation = nn.Hardswish()
        if not share and mode in ("THW", "TH"):
            self.h_conv = _depthwise_conv3d(c, [1, 3, 1], [0, 1, 0])
        if not share and mode == "THW":
            self.w_conv = _depthwise_conv3d(c, [1, 1, 3], [0, 0, 1])

    def _view_h(self, x: paddle.Tensor) -> paddle.Tensor:
        if not self.share:
            return self.h_conv(x)
        # shared kernel: swap T and H so the temporal 3-tap runs along H
        return self.shift_conv(x.transpose([0, 1, 3, 2, 4])).transpose([0, 1, 3, 2, 4])

    def _view_w(self, x: paddle.Tensor) -> paddle.Tensor:
        if not self.share:
            return self.w_conv(x)
        return self.shift_conv(x.transpose([0, 1, 4, 3, 2])).transpose([0, 1, 4, 3, 2])

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        if self.num_fused == 0:
            return self.net(x)
        _, c, h, w = x.shape
        # (N*T, C, H, W) -> (N, C, T, H, W); -1 keeps the batch dynamic for export
        x = x.reshape([-1, self.num_segments, c, h, w]).transpose([0, 2, 1, 3, 4])
        fused, rest = paddle.split(x, self.split_sizes, axis=1)
        out = self.shift_conv(fused)
        if self.mode in ("THW", "TH"):
            out = out + self._view_h(fused)
        if self.mode == "THW":
            out = out + self._view_w(fused)
        if self.use_hs:
            out = self.activation(self.bn(out))
        x = paddle.concat([out, rest], axis=1).transpose([0, 2, 1, 3, 4])
        return self.net(x.reshape([-1, c, h, w]))
