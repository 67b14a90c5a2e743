"""Minimal PyTorch EfficientGCN written for the alignment (own code), with the official module names so that
an official `ckpt['model']` state dict loads with strict=True. Also the torch-side metric and loss."""
from typing import Dict, List

import numpy as np
import torch
from torch import nn

EDGES = [(1, 2), (2, 21), (3, 21), (4, 3), (5, 21), (6, 5), (7, 6), (8, 7), (9, 21), (10, 9), (11, 10), (12, 11),
         (13, 1), (14, 13), (15, 14), (16, 15), (17, 1), (18, 17), (19, 18), (20, 19), (22, 23), (23, 8), (24, 25),
         (25, 12)]


def graph_a(max_hop: int = 10) -> torch.Tensor:
    """Distance partitions of the NTU graph, normalised by the degree within max_hop (A . D^-1)."""
    n = 25
    adj = np.eye(n)
    for i, j in EDGES:
        adj[i - 1, j - 1] = adj[j - 1, i - 1] = 1
    hop = np.full((n, n), np.inf)
    for d in range(max_hop, -1, -1):
        hop[np.linalg.matrix_power(adj, d) > 0] = d
    within = (hop <= max_hop).astype(np.float64)
    norm = within / within.sum(0, keepdims=True)
    a = np.stack([np.where(hop == k, norm, 0.0) for k in range(max_hop + 1)])
    return torch.tensor(a, dtype=torch.float32)


class Swish(nn.Module):
    def forward(self, x):
        return x * torch.sigmoid(x)


def conv_bn(cin, cout, k=1, s=1, p=0, groups=1):
    return nn.Sequential(nn.Conv2d(cin, cout, k, s, p, groups=groups), nn.BatchNorm2d(cout))


class SpatialGraphConv(nn.Module):
    def __init__(self, cin, cout, k, A):
        super().__init__()
        self.k = k
        self.gcn = nn.Conv2d(cin, cout * k, 1)
        self.A = nn.Parameter(A[:k].clone(), requires_grad=False)
        self.edge = nn.Parameter(torch.ones_like(self.A))

    def forward(self, x):
        x = self.gcn(x)
        n, kc, t, v = x.shape
        return torch.einsum('nkctv,kvw->nctw', x.view(n, self.k, kc // self.k, t, v), self.A * self.edge)


class SpatialGraphLayer(nn.Module):
    def __init__(self, cin, cout, k, A, act):
        super().__init__()
        self.conv = SpatialGraphConv(cin, cout, k, A)
        self.bn = nn.BatchNorm2d(cout)
        self.residual = nn.Identity() if cin == cout else conv_bn(cin, cout)
        self.act = act

    def forward(self, x):
        return self.act(self.bn(self.conv(x)) + self.residual(x))


class TemporalBasicLayer(nn.Module):
    def __init__(self, c, w, act):
        super().__init__()
        self.conv = nn.Conv2d(c, c, (w, 1), 1, ((w - 1) // 2, 0))
        self.bn = nn.BatchNorm2d(c)
        self.residual = nn.Identity()
        self.act = act

    def forward(self, x):
        return self.act(self.bn(self.conv(x)) + self.residual(x))


class TemporalSGLayer(nn.Module):
    def __init__(self, c, w, s, reduct, act):
        super().__init__()
        p = (w - 1) // 2
        self.depth_conv1 = conv_bn(c, c, (w, 1), 1, (p, 0), groups=c)
        self.point_conv1 = conv_bn(c, c // reduct)
        self.point_conv2 = conv_bn(c // reduct, c)
        self.depth_conv2 = conv_bn(c, c, (w, 1), (s, 1), (p, 0), groups=c)
        self.residual = nn.Identity() if s == 1 else conv_bn(c, c, 1, (s, 1))
        self.act = act

    def forward(self, x):
        res = self.residual(x)
        x = self.point_conv1(self.act(self.depth_conv1(x)))
        return self.depth_conv2(self.act(self.point_conv2(x))) + res


class STJointAtt(nn.Module):
    def __init__(self, c, reduct):
        super().__init__()
        self.fcn = nn.Sequential(nn.Conv2d(c, c // reduct, 1), nn.BatchNorm2d(c // reduct), nn.Hardswish())
        self.conv_t = nn.Conv2d(c // reduct, c, 1)
        self.conv_v = nn.Conv2d(c // reduct, c, 1)

    def forward(self, x):
        t, v = x.shape[2], x.shape[3]
        pooled = torch.cat([x.mean(3, keepdim=True), x.mean(2, keepdim=True).transpose(2, 3)], dim=2)
        xt, xv = torch.split(self.fcn(pooled), [t, v], dim=2)
        return torch.sigmoid(self.conv_t(xt)) * torch.sigmoid(self.conv_v(xv.transpose(2, 3)))


class AttentionLayer(nn.Module):
    def __init__(self, c, reduct, act):
        super().__init__()
        self.att = STJointAtt(c, reduct)
        self.bn = nn.BatchNorm2d(c)
        self.act = act

    def forward(self, x):
        return self.act(self.bn(x * self.att(x)) + x)


def blocks(init_c, block_args, A, act, input_channel=0, window=5, k=3, reduct=2) -> nn.Sequential:
    seq = nn.Sequential()
    if input_channel:
        seq.add_module('init_bn', nn.BatchNorm2d(input_channel))
        seq.add_module('stem_scn', SpatialGraphLayer(input_channel, init_c, k, A, act))
        seq.add_module('stem_tcn', TemporalBasicLayer(init_c, window, act))
    last = init_c
    for i, (c, s, depth) in enumerate(block_args):
        seq.add_module(f'block-{i}_scn', SpatialGraphLayer(last, c, k, A, act))
        for j in range(depth):
            seq.add_module(f'block-{i}_tcn-{j}', TemporalSGLayer(c, window, s if j == 0 else 1, reduct, act))
        seq.add_module(f'block-{i}_att', AttentionLayer(c, reduct, act))
        last = c
    return seq


def rescale(block_args, phi, scale=(1.2, 1.35)) -> List[List[int]]:
    return [[max(int(round(c * scale[0] ** phi / 16)) * 16, 16), s, int(round(d * scale[1] ** phi))]
            for c, s, d in block_args]


class EfficientGCN(nn.Module):
    """SG layers, swish, ST-Joint attention, fusion at stage 2 (config 2001 model_args)."""

    def __init__(self, num_class=60, phi=0, block_args=((48, 1, 0.5), (24, 1, 0.5), (64, 2, 1), (128, 2, 1)),
                 stem=64, fusion=2, drop=0.25):
        super().__init__()
        args = rescale(block_args, phi)
        A = graph_a(10)
        act = Swish()
        self.input_branches = nn.ModuleList([blocks(stem, args[:fusion], A, act, input_channel=6) for _ in range(3)])
        self.main_stream = blocks(3 * args[fusion - 1][0], args[fusion:], A, act)
        self.classifier = nn.Sequential()
        self.classifier.add_module('gap', nn.AdaptiveAvgPool3d(1))
        self.classifier.add_module('dropout', nn.Dropout(drop))
        self.classifier.add_module('fc', nn.Conv3d(args[-1][0], num_class, 1))
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='leaky_relu')
                nn.init.zeros_(m.bias)
            elif isinstance(m, nn.Conv3d):
                nn.init.normal_(m.weight, std=0.001)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        n, i, c, t, v, m = x.shape
        x = x.permute(1, 0, 5, 2, 3, 4).reshape(i, n * m, c, t, v)
        x = torch.cat([b(x[k]) for k, b in enumerate(self.input_branches)], dim=1)
        x = self.main_stream(x)
        _, c, t, v = x.shape
        feature = x.view(n, m, c, t, v).permute(0, 2, 3, 4, 1)
        return self.classifier(feature).view(n, -1)


def metrics(scores: torch.Tensor, labels: torch.Tensor, num_class: int) -> Dict[str, float]:
    top5 = scores.topk(min(5, scores.shape[1]), dim=1).indices
    hit1 = (top5[:, 0] == labels).float()
    hit5 = (top5 == labels[:, None]).any(1).float()
    per_class = [hit1[labels == c].mean() for c in range(num_class) if (labels == c).any()]
    return {'top1_acc': hit1.mean().item(), 'top5_acc': hit5.mean().item(),
            'mean_class_acc': torch.stack(per_class).mean().item()}


def loss_fn(logits, labels):
    return nn.functional.cross_entropy(logits, labels)


