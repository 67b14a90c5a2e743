"""Minimal PyTorch MoveNet with movenet.pytorch's module names (our own code), so that its checkpoints
(e.g. e118_valacc0.79805.pth) load with strict=True."""
import torch.nn as nn
import torch.nn.functional as F


def _cbr(inp, oup, k, stride=1, groups=1, bias=False, relu=True):
    mods = [nn.Conv2d(inp, oup, k, stride, k // 2, groups=groups, bias=bias), nn.BatchNorm2d(oup)]
    return mods + [nn.ReLU()] if relu else mods


class _Up(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=2, mode='bilinear', align_corners=False)


class IR(nn.Module):
    def __init__(self, inp, oup, stride, t, n):
        super().__init__()
        h = round(inp * t)
        self.conv1 = nn.Sequential(*_cbr(inp, h, 1), nn.Conv2d(h, h, 3, stride, 1, groups=h, bias=True),
                                   nn.BatchNorm2d(h), nn.ReLU(), *_cbr(h, oup, 1, relu=False))
        self.conv2 = nn.ModuleList([nn.Sequential(*_cbr(oup, h, 1), *_cbr(h, h, 3, groups=h),
                                                  *_cbr(h, oup, 1, relu=False)) for _ in range(n)])

    def forward(self, x):
        x = self.conv1(x)
        for blk in self.conv2:
            x = x + blk(x)
        return x


def _dw3(inp, oup):
    return nn.Sequential(*_cbr(inp, inp, 3, groups=inp, relu=False), *_cbr(inp, oup, 1))


def _up(inp, oup):
    return nn.Sequential(nn.Conv2d(inp, inp, 3, 1, 1, groups=inp), nn.ReLU(), nn.Sequential(*_cbr(inp, oup, 1)), _Up())


class Backbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.features1 = nn.Sequential(nn.Sequential(*_cbr(3, 32, 3, 2)),
                                       nn.Sequential(*_cbr(32, 32, 3, groups=32), *_cbr(32, 16, 1, relu=False)),
                                       IR(16, 24, 2, 6, 1))
        self.features2 = IR(24, 32, 2, 6, 2)
        self.features3 = IR(32, 64, 2, 6, 3)
        self.features4 = nn.Sequential(IR(64, 96, 1, 6, 2), IR(96, 160, 2, 6, 2), IR(160, 320, 1, 6, 0),
                                       nn.Sequential(*_cbr(320, 1280, 1)), nn.Conv2d(1280, 64, 1, bias=False), _Up())
        self.upsample2, self.upsample1 = _up(64, 32), _up(32, 24)
        self.conv3, self.conv2, self.conv1 = nn.Conv2d(64, 64, 1), nn.Conv2d(32, 32, 1), nn.Conv2d(24, 24, 1)
        self.conv4 = _dw3(24, 24)

    def forward(self, x):
        x = x / 127.5 - 1
        f1 = self.features1(x)
        f2 = self.features2(f1)
        f3 = self.features3(f2)
        f4 = self.features4(f3) + self.conv3(f3)
        f4 = self.upsample2(f4) + self.conv2(f2)
        f4 = self.upsample1(f4) + self.conv1(f1)
        return self.conv4(f4)


class Header(nn.Module):
    def __init__(self, j=17):
        super().__init__()
        self.header_heatmaps = nn.Sequential(_dw3(24, 96), nn.Conv2d(96, j, 1), nn.Sigmoid())
        self.header_centers = nn.Sequential(_dw3(24, 96), nn.Conv2d(96, 1, 1), nn.Sigmoid())
        self.header_regs = nn.Sequential(_dw3(24, 96), nn.Conv2d(96, 2 * j, 1))
        self.header_offsets = nn.Sequential(_dw3(24, 96), nn.Conv2d(96, 2 * j, 1))

    def forward(self, x):
        return [self.header_heatmaps(x), self.header_centers(x), self.header_regs(x), self.header_offsets(x)]


class MoveNet(nn.Module):
    def __init__(self, num_classes=17):
        super().__init__()
        self.backbone = Backbone()
        self.header = Header(num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
                if m.bias is not None:
                    nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.header(self.backbone(x))
