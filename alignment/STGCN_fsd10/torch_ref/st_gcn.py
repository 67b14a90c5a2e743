"""Our own minimal PyTorch ST-GCN with yysijie/st-gcn's module names (net/st_gcn.py `Model`).

The state dict keys are exactly those of the released st_gcn.*.pt checkpoints (data_bn, st_gcn_networks.i.
{gcn.conv, tcn.0/2/3, residual.0/1}, edge_importance.i, fcn, buffer A), so they load with strict=True.
Written from the paper and the key names only; used as the reference side of the alignment and the bench.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

LAYOUTS = {
    # (joints, bones, centre)
    "fsd10": (25, [(1, 8), (0, 1), (15, 0), (17, 15), (16, 0), (18, 16), (5, 1), (6, 5), (7, 6), (2, 1), (3, 2),
                   (4, 3), (9, 8), (10, 9), (11, 10), (24, 11), (22, 11), (23, 22), (12, 8), (13, 12), (14, 13),
                   (21, 14), (19, 14), (20, 19)], 8),
    "ntu-rgb+d": (25, [(a - 1, b - 1) for a, b in [
        (1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21), (10, 9), (11, 10), (12, 11),
        (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18), (20, 19), (22, 23), (23, 8),
        (24, 25), (25, 12)]], 20),
}


def spatial_graph(layout: str) -> np.ndarray:
    """A [3, V, V]: root, centripetal, centrifugal subsets of the A·D^-1-normalised 1-hop adjacency."""
    v, bones, center = LAYOUTS[layout]
    link = np.eye(v)
    for i, j in bones:
        link[i, j] = link[j, i] = 1
    hop = np.where(np.eye(v) > 0, 0.0, np.where(link > 0, 1.0, np.inf))
    norm = link / link.sum(axis=0, keepdims=True)
    dist = hop[:, center]
    root, close, far = (np.zeros((v, v)) for _ in range(3))
    for j in range(v):
        for i in range(v):
            if np.isinf(hop[j, i]):
                continue
            target = root if dist[j] == dist[i] else close if dist[j] > dist[i] else far
            target[j, i] = norm[j, i]
    self_loops = np.where(hop == 0, root, 0.0)
    neighbours = np.where(hop == 1, root + close, 0.0)
    return np.stack([self_loops, neighbours, far])


class ConvTemporalGraphical(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size):
        super().__init__()
        self.kernel_size = kernel_size
        self.conv = nn.Conv2d(in_channels, out_channels * kernel_size, kernel_size=(1, 1))

    def forward(self, x, A):
        x = self.conv(x)
        n, kc, t, v = x.size()
        x = x.view(n, self.kernel_size, kc // self.kernel_size, t, v)
        return torch.einsum("nkctv,kvw->nctw", x, A).contiguous(), A


class st_gcn(nn.Module):
    def __init__(self, in_channels, out_channels, kernel_size, stride=1, dropout=0.0, residual=True):
        super().__init__()
        pad = ((kernel_size[0] - 1) // 2, 0)
        self.gcn = ConvTemporalGraphical(in_channels, out_channels, kernel_size[1])
        self.tcn = nn.Sequential(nn.BatchNorm2d(out_channels), nn.ReLU(),
                                 nn.Conv2d(out_channels, out_channels, (kernel_size[0], 1), (stride, 1), pad),
                                 nn.BatchNorm2d(out_channels), nn.Dropout(dropout))
        if not residual:
            self.residual = lambda x: 0
        elif in_channels == out_channels and stride == 1:
            self.residual = lambda x: x
        else:
            self.residual = nn.Sequential(nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=(stride, 1)),
                                          nn.BatchNorm2d(out_channels))
        self.relu = nn.ReLU()

    def forward(self, x, A):
        res = self.residual(x)
        x, A = self.gcn(x, A)
        return self.relu(self.tcn(x) + res), A


class Model(nn.Module):
    def __init__(self, in_channels=2, num_class=30, layout="fsd10", edge_importance_weighting=True, dropout=0.0):
        super().__init__()
        self.register_buffer("A", torch.tensor(spatial_graph(layout), dtype=torch.float32))
        k, v = self.A.shape[:2]
        ks = (9, k)
        self.data_bn = nn.BatchNorm1d(in_channels * v)
        plan = [(64, 64, 1), (64, 64, 1), (64, 64, 1), (64, 128, 2), (128, 128, 1), (128, 128, 1),
                (128, 256, 2), (256, 256, 1), (256, 256, 1)]
        self.st_gcn_networks = nn.ModuleList(
            [st_gcn(in_channels, 64, ks, 1, residual=False)] + [st_gcn(i, o, ks, s, dropout) for i, o, s in plan])
        if edge_importance_weighting:
            self.edge_importance = nn.ParameterList([nn.Parameter(torch.ones(self.A.size()))
                                                     for _ in self.st_gcn_networks])
        else:
            self.edge_importance = [1] * len(self.st_gcn_networks)
        self.fcn = nn.Conv2d(256, num_class, kernel_size=1)

    def forward(self, x):
        n, c, t, v, m = x.size()
        x = x.permute(0, 4, 3, 1, 2).contiguous().view(n * m, v * c, t)
        x = self.data_bn(x)
        x = x.view(n, m, v, c, t).permute(0, 1, 3, 4, 2).contiguous().view(n * m, c, t, v)
        for block, importance in zip(self.st_gcn_networks, self.edge_importance):
            x, _ = block(x, self.A * importance)
        x = F.avg_pool2d(x, x.size()[2:])
        x = x.view(n, m, -1, 1, 1).mean(dim=1)
        return self.fcn(x).view(n, -1)
