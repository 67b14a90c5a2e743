"""ST-GCN in PyTorch, written line by line from yysijie/st-gcn net/st_gcn.py (Model, st_gcn) and checked
against PaddleVideo paddlevideo/modeling/backbones/stgcn.py (STGCN, st_gcn_block) + heads/stgcn_head.py.

Our own code, not a copy. Module names are yysijie's (data_bn, st_gcn_networks.i.{gcn.conv, tcn.0/2/3,
residual.0/1}, edge_importance.i, fcn, buffer A), so a released st_gcn.*.pt loads with strict=True and
STGCN_fsd10/tools/convert_weights.py maps them onto PaddleVideo's names (backbone.*, head.fcn.*).
`Model(in_channels, num_class, graph_args, edge_importance_weighting, dropout=...)` is yysijie's signature.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .graph import Graph
from .tgcn import ConvTemporalGraphical


class Model(nn.Module):
    def __init__(self, in_channels, num_class, graph_args, edge_importance_weighting, **kwargs):
        super().__init__()
        self.graph = Graph(**graph_args)
        # st_gcn.py: A is a float32 buffer (in the state dict; PaddleVideo: register_buffer('A') too)
        self.register_buffer("A", torch.tensor(self.graph.A, dtype=torch.float32, requires_grad=False))
        spatial_kernel_size = self.A.size(0)  # K = 3 for 'spatial'
        temporal_kernel_size = 9
        kernel_size = (temporal_kernel_size, spatial_kernel_size)
        self.data_bn = nn.BatchNorm1d(in_channels * self.A.size(1))  # over V*C, as st_gcn.py
        kwargs0 = {k: v for k, v in kwargs.items() if k != "dropout"}  # block 1 never drops (both repos)
        self.st_gcn_networks = nn.ModuleList((
            st_gcn(in_channels, 64, kernel_size, 1, residual=False, **kwargs0),
            st_gcn(64, 64, kernel_size, 1, **kwargs),
            st_gcn(64, 64, kernel_size, 1, **kwargs),
            st_gcn(64, 64, kernel_size, 1, **kwargs),
            st_gcn(64, 128, kernel_size, 2, **kwargs),
            st_gcn(128, 128, kernel_size, 1, **kwargs),
            st_gcn(128, 128, kernel_size, 1, **kwargs),
            st_gcn(128, 256, kernel_size, 2, **kwargs),
            st_gcn(256, 256, kernel_size, 1, **kwargs),
            st_gcn(256, 256, kernel_size, 1, **kwargs),
        ))
        if edge_importance_weighting:  # one learnable [K, V, V] mask per block, initialised to ones
            self.edge_importance = nn.ParameterList([nn.Parameter(torch.ones(self.A.size()))
                                                     for _ in self.st_gcn_networks])
        else:
            self.edge_importance = [1] * len(self.st_gcn_networks)
        # yysijie: Model.fcn; PaddleVideo: STGCNHead.fcn, Conv2D(256, num_classes, 1) on the pooled [N,256,1,1]
        self.fcn = nn.Conv2d(256, num_class, kernel_size=1)

    def forward(self, x):
        N, C, T, V, M = x.size()
        # data BN over (V, C) pairs: (N, C, T, V, M) -> (N, M, V, C, T) -> (N*M, V*C, T)
        x = x.permute(0, 4, 3, 1, 2).contiguous().view(N * M, V * C, T)
        x = self.data_bn(x)
        # back: (N, M, V, C, T) -> (N, M, C, T, V) -> (N*M, C, T, V)
        x = x.view(N, M, V, C, T).permute(0, 1, 3, 4, 2).contiguous().view(N * M, C, T, V)
        for gcn, importance in zip(self.st_gcn_networks, self.edge_importance):
            x, _ = gcn(x, self.A * importance)
        # global pooling over (T, V) (PaddleVideo: AdaptiveAvgPool2D(1)), then the mean over the M persons
        x = F.avg_pool2d(x, x.size()[2:])
        x = x.view(N, M, -1, 1, 1).mean(dim=1)
        x = self.fcn(x)
        return x.view(x.size(0), -1)


class st_gcn(nn.Module):
    """yysijie st_gcn.py st_gcn (PaddleVideo st_gcn_block): gcn -> tcn, plus residual, then ReLU."""

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, dropout=0, residual=True):
        super().__init__()
        assert len(kernel_size) == 2 and kernel_size[0] % 2 == 1
        padding = ((kernel_size[0] - 1) // 2, 0)  # 'same' in time for stride 1
        self.gcn = ConvTemporalGraphical(in_channels, out_channels, kernel_size[1])
        # tcn indices 0..4 are the state-dict names: 0 BN, 2 conv (9x1, stride (s,1)), 3 BN
        self.tcn = nn.Sequential(
            nn.BatchNorm2d(out_channels),
            nn.ReLU(),  # yysijie: inplace=True; the same values
            nn.Conv2d(out_channels, out_channels, (kernel_size[0], 1), (stride, 1), padding),
            nn.BatchNorm2d(out_channels),
            nn.Dropout(dropout),
        )
        if not residual:
            self.residual = lambda x: 0
        elif in_channels == out_channels and stride == 1:
            self.residual = lambda x: x
        else:  # 1x1 conv with the same time stride + BN (names residual.0, residual.1)
            self.residual = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=(stride, 1)),
                nn.BatchNorm2d(out_channels),
            )
        self.relu = nn.ReLU()

    def forward(self, x, A):
        res = self.residual(x)
        x, A = self.gcn(x, A)
        x = self.tcn(x) + res
        return self.relu(x), A


def weights_init(m):
    """yysijie processor/recognition.py weights_init (PaddleVideo STGCN.init_weights / STGCNHead.init_weights
    with weight_init_, bias 0): conv N(0, 0.02), BN weight N(1, 0.02), biases 0."""
    name = m.__class__.__name__
    if name.find("Conv1d") != -1 or name.find("Conv2d") != -1:  # by class name: not ConvTemporalGraphical
        m.weight.data.normal_(0.0, 0.02)
        if m.bias is not None:
            m.bias.data.fill_(0)
    elif name.find("BatchNorm") != -1:
        m.weight.data.normal_(1.0, 0.02)
        m.bias.data.fill_(0)
