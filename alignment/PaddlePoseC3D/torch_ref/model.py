"""SlowOnly-R50 + I3DHead with mmaction2's module names (backbone.conv1.conv, backbone.layer1.0.conv1.bn, ...,
cls_head.fc_cls), so an official PoseC3D checkpoint loads with strict=True."""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

STAGE_BLOCKS = {50: (3, 4, 6), 101: (3, 4, 23), 152: (3, 8, 36)}


class ConvModule(nn.Module):
    def __init__(self, cin, cout, k, stride=1, padding=0, act=True):
        super().__init__()
        self.conv = nn.Conv3d(cin, cout, k, stride, padding, bias=False)
        self.bn = nn.BatchNorm3d(cout, eps=1e-5, momentum=0.1)
        self.activate = nn.ReLU() if act else None

    def forward(self, x):
        x = self.bn(self.conv(x))
        return self.activate(x) if self.activate is not None else x


class Bottleneck3d(nn.Module):
    def __init__(self, inplanes, planes, s_stride, t_stride, inflate, downsample):
        super().__init__()
        k1, p1 = ((3, 1, 1), (1, 0, 0)) if inflate else (1, 0)
        self.conv1 = ConvModule(inplanes, planes, k1, padding=p1)
        self.conv2 = ConvModule(planes, planes, (1, 3, 3), (t_stride, s_stride, s_stride), (0, 1, 1))
        self.conv3 = ConvModule(planes, planes * 4, 1, act=False)
        self.downsample = downsample
        self.relu = nn.ReLU()

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(self.conv3(self.conv2(self.conv1(x))) + identity)


class SlowOnly(nn.Module):
    def __init__(self, depth=50, in_channels=17, base=32):
        super().__init__()
        self.conv1 = ConvModule(in_channels, base, (1, 7, 7), padding=(0, 3, 3))
        self.maxpool = nn.MaxPool3d((1, 3, 3), 1, (0, 1, 1))
        inplanes = base
        for i, (n, s, t, inf) in enumerate(zip(STAGE_BLOCKS[depth], (2, 2, 2), (1, 1, 2), (0, 1, 1))):
            planes = base * 2 ** i
            ds = ConvModule(inplanes, planes * 4, 1, (t, s, s), act=False)
            blocks = [Bottleneck3d(inplanes, planes, s, t, inf, ds)]
            blocks += [Bottleneck3d(planes * 4, planes, 1, 1, inf, None) for _ in range(n - 1)]
            setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))
            inplanes = planes * 4
        self.num_stages = len(STAGE_BLOCKS[depth])

    def forward(self, x):
        x = self.maxpool(self.conv1(x))
        for i in range(self.num_stages):
            x = getattr(self, f"layer{i + 1}")(x)
        return x


class I3DHead(nn.Module):
    def __init__(self, num_classes, in_channels=512, dropout=0.5):
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool3d(1)
        self.dropout = nn.Dropout(dropout)
        self.fc_cls = nn.Linear(in_channels, num_classes)

    def forward(self, x):
        return self.fc_cls(self.dropout(self.avg_pool(x).flatten(1)))


class Recognizer3D(nn.Module):
    def __init__(self, num_classes, depth=50, base=32):
        super().__init__()
        self.backbone = SlowOnly(depth, 17, base)
        self.cls_head = I3DHead(num_classes, base * 16)

    def forward(self, x):
        return self.cls_head(self.backbone(x))


def build_torch_model(num_classes: int = 101, depth: int = 50, base: int = 32) -> Recognizer3D:
    return Recognizer3D(num_classes, depth, base)


def cross_entropy(logits, labels):
    return nn.functional.cross_entropy(logits, labels)


def top_k_accuracy(scores: np.ndarray, labels: np.ndarray, k: int) -> float:
    top = np.argsort(scores, axis=1)[:, -k:]
    return float(np.mean([lab in row for lab, row in zip(labels, top)]))


def mean_class_accuracy(scores: np.ndarray, labels: np.ndarray) -> float:
    pred = scores.argmax(1)
    classes = np.unique(np.concatenate([pred, labels]))
    cm = np.array([[np.sum((labels == a) & (pred == b)) for b in classes] for a in classes])
    cnt, hit = cm.sum(1), np.diag(cm)
    return float(np.mean([h / c if c else 0.0 for c, h in zip(cnt, hit)]))
