"""Spatial graph layer and the temporal layers (Basic / Sep / SG) of EfficientGCN.

Sub-layer names (conv, bn, residual, gcn, A, edge, depth_conv1, ...) follow the official implementation so
that its checkpoints convert by name.
"""
import numpy as np
import paddle
import paddle.nn as nn
import paddle.nn.functional as F


class BatchNorm2D(nn.BatchNorm2D):
    """BatchNorm2D whose running variance follows torch.nn.BatchNorm2d (the official model's BN): in training it
    moves towards the UNBIASED batch variance (x n / (n - 1), n = N*H*W per channel). Paddle's own update uses the
    biased one (0.9 * old + 0.1 * var_biased, checked on Paddle 3.3.1), which is 1 / (n - 1) smaller. The
    normalisation itself (biased variance, as torch) and evaluation are Paddle's, unchanged; the parameter names
    (weight, bias, _mean, _variance) too."""

    def forward(self, x):
        if not self.training or self._use_global_stats:
            return super().forward(x)
        n = int(x.shape[0]) * int(x.shape[2]) * int(x.shape[3])
        old = self._variance.detach().clone()
        out = super().forward(x)
        if n > 1:  # Paddle wrote m * old + (1 - m) * v_b; add (1 - m) * v_b / (n - 1)
            with paddle.no_grad():
                self._variance.set_value(self._variance + (self._variance - self._momentum * old) / (n - 1))
        return out


class Conv2D(nn.Conv2D):
    """nn.Conv2D whose eager (dygraph) bias add broadcasts the bias as [C, 1, 1] instead of [1, C, 1, 1].

    Paddle 3.3's CPU broadcast add of a [1, C, 1, 1] bias to [N, C, T, V] (nn.Conv2D's own) and its gradient were
    the largest cost of a train step here (34 %, bench/profile.md); the [C, 1, 1] add does the same float additions
    (bit-identical output, tests/test_layers.py) many times faster. Static graphs (export, to_static) keep
    nn.Conv2D's formulation, which oneDNN fuses into the conv. Parameters and their names are nn.Conv2D's.
    """

    def forward(self, x):
        if not paddle.in_dynamic_mode() or self.bias is None or self._padding_mode != 'zeros' or \
                self._data_format != 'NCHW':
            return super().forward(x)
        out = F.conv._conv_nd(x, self.weight, bias=None, stride=self._stride, padding=self._updated_padding,
                              padding_algorithm=self._padding_algorithm, dilation=self._dilation,
                              groups=self._groups, data_format=self._data_format, channel_dim=self._channel_dim,
                              op_type=self._op_type, use_cudnn=self._use_cudnn)
        return out + self.bias.reshape([-1, 1, 1])


def conv_bn(in_channel: int, out_channel: int, kernel=1, stride=1, padding=0, groups: int = 1,
            bias: bool = True) -> nn.Sequential:
    """Conv2D + BatchNorm2D, named .0 / .1 like torch's nn.Sequential."""
    return nn.Sequential(
        Conv2D(in_channel, out_channel, kernel, stride, padding, groups=groups, bias_attr=None if bias else False),
        BatchNorm2D(out_channel))


class SpatialGraphConv(nn.Layer):
    """1x1 conv to (K partitions x out) channels, then aggregation over the joints with A[:K] * edge."""

    def __init__(self, in_channel: int, out_channel: int, max_graph_distance: int, A: np.ndarray,
                 bias: bool = True, edge: bool = True):
        super().__init__()
        self.s_kernel_size = max_graph_distance + 1
        self.gcn = Conv2D(in_channel, out_channel * self.s_kernel_size, 1, bias_attr=None if bias else False)
        a = np.asarray(A[:self.s_kernel_size], dtype=np.float32)
        # A is a frozen parameter (not a buffer) so that it sits in the state dict like the official one.
        self.A = self.create_parameter(a.shape, attr=paddle.ParamAttr(trainable=False),
                                       default_initializer=nn.initializer.Assign(a))
        self.edge = self.create_parameter(a.shape, default_initializer=nn.initializer.Constant(1.0)) if edge \
            else None

    def forward(self, x):
        x = self.gcn(x)
        _, kc, t, v = x.shape
        k = self.s_kernel_size
        c = kc // k
        adj = self.A * self.edge if self.edge is not None else self.A
        if paddle.in_dynamic_mode():  # dygraph (training): einsum is the faster kernel here
            return paddle.einsum('nkctv,kvw->nctw', x.reshape([-1, k, c, t, v]), adj)
        # export (to_static): one [T, V] x [V, W] matmul per partition on a channel slice, summed: the einsum's
        # values to float32 rounding (tested), without the 5-D reshape/transpose that makes oneDNN reorder out of its
        # blocked layout; Paddle Inference ~1.2x faster than with the einsum under load (issue 14, bench/profile.md)
        out = paddle.matmul(x[:, :c], adj[0])
        for i in range(1, k):
            out = out + paddle.matmul(x[:, i * c:(i + 1) * c], adj[i])
        return out


class SpatialGraphLayer(nn.Layer):
    """Official Spatial_Graph_Layer: act(BN(SGC(x)) + residual(x))."""

    def __init__(self, in_channel: int, out_channel: int, max_graph_distance: int, act: nn.Layer, A: np.ndarray,
                 bias: bool, edge: bool):
        super().__init__()
        self.conv = SpatialGraphConv(in_channel, out_channel, max_graph_distance, A, bias, edge)
        self.bn = BatchNorm2D(out_channel)
        self.residual = nn.Identity() if in_channel == out_channel else conv_bn(in_channel, out_channel, bias=bias)
        self.act = act

    def forward(self, x):
        return self.act(self.bn(self.conv(x)) + self.residual(x))


def temporal_residual(channel: int, stride: int, bias: bool) -> nn.Layer:
    return nn.Identity() if stride == 1 else conv_bn(channel, channel, 1, (stride, 1), bias=bias)


class TemporalBasicLayer(nn.Layer):
    """Official Temporal_Basic_Layer: full (k x 1) temporal conv."""

    def __init__(self, channel: int, temporal_window_size: int, act: nn.Layer, bias: bool, stride: int = 1):
        super().__init__()
        pad = (temporal_window_size - 1) // 2
        self.conv = Conv2D(channel, channel, (temporal_window_size, 1), (stride, 1), (pad, 0),
                              bias_attr=None if bias else False)
        self.bn = BatchNorm2D(channel)
        self.residual = temporal_residual(channel, stride, bias)
        self.act = act

    def forward(self, x):
        return self.act(self.bn(self.conv(x)) + self.residual(x))


class TemporalSepLayer(nn.Layer):
    """Official Temporal_Sep_Layer (EpSep when expand_ratio > 0): [expand] -> depthwise -> pointwise."""

    def __init__(self, channel: int, temporal_window_size: int, act: nn.Layer, expand_ratio: int, bias: bool,
                 stride: int = 1):
        super().__init__()
        pad = (temporal_window_size - 1) // 2
        inner = channel * expand_ratio if expand_ratio > 0 else channel
        self.expand_conv = conv_bn(channel, inner, bias=bias) if expand_ratio > 0 else None
        self.depth_conv = conv_bn(inner, inner, (temporal_window_size, 1), (stride, 1), (pad, 0), groups=inner,
                                  bias=bias)
        self.point_conv = conv_bn(inner, channel, bias=bias)
        self.residual = temporal_residual(channel, stride, bias)
        self.act = act

    def forward(self, x):
        res = self.residual(x)
        if self.expand_conv is not None:
            x = self.act(self.expand_conv(x))
        x = self.act(self.depth_conv(x))
        return self.point_conv(x) + res


class TemporalSGLayer(nn.Layer):
    """Official Temporal_SG_Layer (sandglass): dw -> pw (reduce) -> pw (expand) -> strided dw; no act after add."""

    def __init__(self, channel: int, temporal_window_size: int, act: nn.Layer, reduct_ratio: int, bias: bool,
                 stride: int = 1):
        super().__init__()
        pad = (temporal_window_size - 1) // 2
        inner = channel // reduct_ratio
        self.depth_conv1 = conv_bn(channel, channel, (temporal_window_size, 1), 1, (pad, 0), groups=channel,
                                   bias=bias)
        self.point_conv1 = conv_bn(channel, inner, bias=bias)
        self.point_conv2 = conv_bn(inner, channel, bias=bias)
        self.depth_conv2 = conv_bn(channel, channel, (temporal_window_size, 1), (stride, 1), (pad, 0),
                                   groups=channel, bias=bias)
        self.residual = temporal_residual(channel, stride, bias)
        self.act = act

    def forward(self, x):
        res = self.residual(x)
        x = self.act(self.depth_conv1(x))
        x = self.point_conv1(x)
        x = self.act(self.point_conv2(x))
        return self.depth_conv2(x) + res


TEMPORAL_LAYERS = ('Basic', 'Sep', 'SG')


def temporal_layer(layer_type: str, channel: int, temporal_window_size: int, stride: int, act: nn.Layer, bias: bool,
                   reduct_ratio: int, expand_ratio: int) -> nn.Layer:
    """The temporal layer of model_args.layer_type with the arguments it takes (official Temporal_<type>_Layer)."""
    if layer_type == 'Basic':
        return TemporalBasicLayer(channel, temporal_window_size, act, bias, stride)
    if layer_type == 'Sep':
        return TemporalSepLayer(channel, temporal_window_size, act, expand_ratio, bias, stride)
    if layer_type == 'SG':
        return TemporalSGLayer(channel, temporal_window_size, act, reduct_ratio, bias, stride)
    raise ValueError(f'unknown layer_type {layer_type!r}, choose one of {TEMPORAL_LAYERS}')
