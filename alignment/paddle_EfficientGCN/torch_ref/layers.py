"""Graph and temporal layers, written from EfficientGCNv1 src/model/layers.py and src/model/activations.py.

Module attribute names (conv, bn, residual, gcn, A, edge, depth_conv1, ...) are the official ones, so an official
`ckpt['model']` loads with strict=True.
"""
import torch
from torch import nn


class Swish(nn.Module):
    """src/model/activations.py Swish: x * sigmoid(x); the official model uses one shared Swish(inplace=True)
    (src/model/__init__.py __activations['swish'])."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, x):
        return x.mul_(x.sigmoid()) if self.inplace else x * x.sigmoid()


def conv_bn(cin: int, cout: int, kernel=1, stride=1, padding=0, groups: int = 1, bias: bool = True):
    """The Conv2d + BatchNorm2d pairs that layers.py writes out as nn.Sequential (names .0 / .1)."""
    return nn.Sequential(nn.Conv2d(cin, cout, kernel, stride, padding, groups=groups, bias=bias),
                         nn.BatchNorm2d(cout))


class SpatialGraphConv(nn.Module):
    """layers.py SpatialGraphConv: a 1x1 conv to (max_graph_distance + 1) * out channels, then
    einsum('nkctv,kvw->nctw') with A[:K] * edge. A is a frozen nn.Parameter, edge a learnable one (both in the
    state dict)."""

    def __init__(self, cin: int, cout: int, max_graph_distance: int, bias: bool, edge: bool, A: torch.Tensor):
        super().__init__()
        self.s_kernel_size = max_graph_distance + 1
        self.gcn = nn.Conv2d(cin, cout * self.s_kernel_size, 1, bias=bias)
        self.A = nn.Parameter(A[:self.s_kernel_size], requires_grad=False)
        self.edge = nn.Parameter(torch.ones_like(self.A)) if edge else 1

    def forward(self, x):
        x = self.gcn(x)
        n, kc, t, v = x.size()
        x = x.view(n, self.s_kernel_size, kc // self.s_kernel_size, t, v)
        return torch.einsum('nkctv,kvw->nctw', x, self.A * self.edge).contiguous()


class SpatialGraphLayer(nn.Module):
    """layers.py Spatial_Graph_Layer (a Basic_Layer whose conv is the graph conv): act(bn(conv(x)) + res), res =
    identity, or 1x1 conv + BN when the channels change."""

    def __init__(self, cin: int, cout: int, max_graph_distance: int, bias: bool, edge: bool, A, act):
        super().__init__()
        self.conv = SpatialGraphConv(cin, cout, max_graph_distance, bias, edge, A)
        self.bn = nn.BatchNorm2d(cout)
        self.residual = nn.Identity() if cin == cout else conv_bn(cin, cout, bias=bias)
        self.act = act

    def forward(self, x):
        res = self.residual(x)  # Basic_Layer.forward: residual first, then the branch
        return self.act(self.bn(self.conv(x)) + res)


class TemporalBasicLayer(nn.Module):
    """layers.py Temporal_Basic_Layer (the input-branch stem_tcn): (window x 1) conv + BN, residual identity at
    stride 1 (1x1 strided conv + BN otherwise), act after the add."""

    def __init__(self, channel: int, window: int, bias: bool, act, stride: int = 1):
        super().__init__()
        pad = (window - 1) // 2
        self.conv = nn.Conv2d(channel, channel, (window, 1), (stride, 1), (pad, 0), bias=bias)
        self.bn = nn.BatchNorm2d(channel)
        self.residual = nn.Identity() if stride == 1 else conv_bn(channel, channel, 1, (stride, 1), bias=bias)
        self.act = act

    def forward(self, x):
        res = self.residual(x)
        return self.act(self.bn(self.conv(x)) + res)


class TemporalSGLayer(nn.Module):
    """layers.py Temporal_SG_Layer (sandglass): depthwise (window x 1) -> act -> 1x1 reduce (no act) -> 1x1 expand
    -> act -> depthwise (window x 1) with the stride, every conv followed by BN; + residual, no act after it."""

    def __init__(self, channel: int, window: int, bias: bool, act, reduct_ratio: int, stride: int = 1):
        super().__init__()
        pad = (window - 1) // 2
        inner = channel // reduct_ratio
        self.act = act
        self.depth_conv1 = conv_bn(channel, channel, (window, 1), 1, (pad, 0), groups=channel, bias=bias)
        self.point_conv1 = conv_bn(channel, inner, bias=bias)
        self.point_conv2 = conv_bn(inner, channel, bias=bias)
        self.depth_conv2 = conv_bn(channel, channel, (window, 1), (stride, 1), (pad, 0), groups=channel, bias=bias)
        self.residual = nn.Identity() if stride == 1 else conv_bn(channel, channel, 1, (stride, 1), bias=bias)

    def forward(self, x):
        res = self.residual(x)
        x = self.act(self.depth_conv1(x))
        x = self.point_conv1(x)
        x = self.act(self.point_conv2(x))
        return self.depth_conv2(x) + res
