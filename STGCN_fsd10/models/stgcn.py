"""ST-GCN backbone (the network of the paper's Fig. 2).

Data BN, 10 spatial-temporal graph convolution blocks with learnable edge importance, global pooling.

Sub-layer names follow PaddleVideo's STGCN backbone (data_bn, st_gcn_networks.i.{gcn.conv, tcn.k,
residual.k}, edge_importance.i, buffer A) so its released STGCN_fsd.pdparams loads directly.
"""
import warnings
from typing import List, Tuple

# Paddle 3's BatchNorm.forward warns on EVERY training step that it "now always tracks global mean and variance":
# a note about Paddle's own (documented) behaviour, which is what ST-GCN wants; it floods train logs (issue 17)
BN_NOTE = "When training, we now always track global mean and variance"
warnings.filterwarnings("ignore", message=BN_NOTE)

import paddle
import paddle.nn as nn
import paddle.nn.functional as F

from .graph import Graph


class Conv2D(nn.Conv2D):
    """nn.Conv2D whose eager (dygraph) bias add broadcasts the bias as [C, 1, 1] instead of [1, C, 1, 1].

    Paddle 3.3's CPU broadcast add of a [1, C, 1, 1] tensor to [N, C, T, V] (what nn.Conv2D does) is ~100x slower
    than the same add with a [C, 1, 1] operand (measured: 14 ms vs 0.14 ms forward, 38 ms vs 0.6 ms forward +
    backward at [8, 192, 8, 25], one thread); it was the largest single cost of a lite train step. The values are
    the same (one float add per element: bit-identical output; the bias gradient sums the same terms). Static
    graphs (export, to_static) keep nn.Conv2D's own formulation, which the oneDNN conv+bias fusion matches.
    Parameters (weight, bias) and their names are nn.Conv2D's.
    """

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        if not paddle.in_dynamic_mode() or self.bias is None or self._padding_mode != "zeros" or \
                self._data_format != "NCHW":
            return super().forward(x)
        out = F.conv._conv_nd(x, self.weight, bias=None, stride=self._stride, padding=self._updated_padding,
                              padding_algorithm=self._padding_algorithm, dilation=self._dilation,
                              groups=self._groups, data_format=self._data_format, channel_dim=self._channel_dim,
                              op_type=self._op_type, use_cudnn=self._use_cudnn)
        return out + self.bias.reshape([-1, 1, 1])


class ConvTemporalGraphical(nn.Layer):
    """Spatial graph convolution: a 1x1 conv to K*C_out maps, then a sum over the K partitions of A."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.conv = Conv2D(in_channels, out_channels * kernel_size, kernel_size=1)

    def forward(self, x: paddle.Tensor, A: paddle.Tensor) -> paddle.Tensor:
        x = self.conv(x)  # [N, K*C, T, V]; T may be dynamic (-1) in an exported graph
        kc, v = x.shape[1], x.shape[3]
        c = kc // self.kernel_size
        if paddle.in_dynamic_mode():  # dygraph (training): the official einsum
            return paddle.einsum("nkctv,kvw->nctw", x.reshape([0, self.kernel_size, c, -1, v]), A)
        # static graph (export, to_static): one [T, V] x [V, W] matmul per partition on its channel slice, summed.
        # The einsum's values to float32 rounding (tests/test_stgcn.py), without the 5-D reshape that makes oneDNN
        # reorder out of its blocked layout before the einsum and the BatchNorm after it (issue 14, bench/profile.md)
        out = paddle.matmul(x[:, :c], A[0])
        for k in range(1, self.kernel_size):
            out = out + paddle.matmul(x[:, k * c:(k + 1) * c], A[k])
        return out


class STGCNBlock(nn.Layer):
    """One st_gcn block: graph conv -> BN-ReLU-temporal conv (9x1)-BN-Dropout, plus a residual, then ReLU."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Tuple[int, int],
                 stride: int = 1, dropout: float = 0.0, residual: bool = True) -> None:
        super().__init__()
        t_kernel, s_kernel = kernel_size
        self.gcn = ConvTemporalGraphical(in_channels, out_channels, s_kernel)
        self.tcn = nn.Sequential(
            nn.BatchNorm2D(out_channels),
            nn.ReLU(),
            Conv2D(out_channels, out_channels, (t_kernel, 1), (stride, 1), ((t_kernel - 1) // 2, 0)),
            nn.BatchNorm2D(out_channels),
            nn.Dropout(dropout),
        )
        if not residual:
            self.residual = None
        elif in_channels == out_channels and stride == 1:
            self.residual = nn.Identity()
        else:  # match channels and time stride with a 1x1 conv
            self.residual = nn.Sequential(
                Conv2D(in_channels, out_channels, kernel_size=1, stride=(stride, 1)),
                nn.BatchNorm2D(out_channels),
            )
        self.relu = nn.ReLU()

    def forward(self, x: paddle.Tensor, A: paddle.Tensor) -> paddle.Tensor:
        y = self.tcn(self.gcn(x, A))
        if self.residual is not None:
            y = y + self.residual(x)
        return self.relu(y)


class STGCN(nn.Layer):
    """Input [N, C, T, V, M] -> pooled features [N, C_last, 1, 1] (averaged over the M persons).

    `blocks` is the config's block table model.blocks, [out_channels, temporal stride] per st_gcn block. The
    official table (PaddleVideo backbones/stgcn.py, yysijie net/st_gcn.py) is 64, 64, 64, 64, 128/2, 128, 128,
    256/2, 256, 256; block 1 has no residual, the others an identity residual, or a 1x1 conv + BN where the
    channels or the stride change. `temporal_kernel_size` is the k of every k x 1 temporal conv (official 9).
    """

    def __init__(self, in_channels: int, layout: str, strategy: str, edge_importance_weighting: bool,
                 dropout: float, temporal_kernel_size: int, blocks: List[List[int]]) -> None:
        super().__init__()
        self.graph = Graph(layout=layout, strategy=strategy)
        self.register_buffer("A", paddle.to_tensor(self.graph.A, dtype="float32"))
        num_subsets, num_node = self.graph.A.shape[:2]
        self.in_channels, self.num_node = in_channels, num_node
        self.out_channels = blocks[-1][0]
        kernel = (temporal_kernel_size, num_subsets)
        self.data_bn = nn.BatchNorm1D(in_channels * num_node)
        # the first block keeps dropout 0 and has no residual, as in both official implementations
        layers, channels = [], in_channels
        for i, (out, stride) in enumerate(blocks):
            layers.append(STGCNBlock(channels, out, kernel, stride, dropout=dropout if i else 0.0, residual=i > 0))
            channels = out
        self.st_gcn_networks = nn.LayerList(layers)
        self.edge_importance = None
        if edge_importance_weighting:
            self.edge_importance = nn.ParameterList([
                self.create_parameter(self.graph.A.shape, default_initializer=nn.initializer.Constant(1.0))
                for _ in layers])
        self.pool = nn.AdaptiveAvgPool2D(1)
        self.init_weights()

    def init_weights(self) -> None:
        normal, zeros = nn.initializer.Normal(0.0, 0.02), nn.initializer.Constant(0.0)
        for layer in self.sublayers():
            if isinstance(layer, nn.Conv2D):
                normal(layer.weight)
                zeros(layer.bias)
            elif isinstance(layer, (nn.BatchNorm1D, nn.BatchNorm2D)):
                nn.initializer.Normal(1.0, 0.02)(layer.weight)
                zeros(layer.bias)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        _, c, _, v, m = x.shape  # C, V, M are fixed; N and T may be dynamic (-1) when exported
        # data BN normalises each (joint, channel) pair over time: [N*M, V*C, T]
        x = x.transpose([0, 4, 3, 1, 2]).flatten(0, 1).flatten(1, 2)
        x = self.data_bn(x)
        x = x.reshape([0, v, c, -1]).transpose([0, 2, 3, 1])  # [N*M, C, T, V]
        for i, block in enumerate(self.st_gcn_networks):
            A = self.A * self.edge_importance[i] if self.edge_importance is not None else self.A
            x = block(x, A)
        x = self.pool(x)  # [N*M, 256, 1, 1]
        return x.reshape([-1, m, x.shape[1], 1, 1]).mean(axis=1)
