"""Minimal PyTorch MoveNet with movenet.pytorch's module names, in both forms the official model has had.

Our own code, written from fire717/movenet.pytorch lib/models/movenet_mobilenetv2.py:
* the current form (commit 6eb59cd, 2022-08-13, "Fix: differ module in IRBlock"): every InvertedResidual holds
  `conv2 = ModuleList([IRBlock] * n)` of n separate blocks, keys `...conv2.<i>.<j>.weight`, 1,912,118 parameters;
  checkpoint output/e118_valacc0.79805.pth;
* the old form (commits f248899 .. 95ec853): ONE `conv2` Sequential applied n times (shared weights), keys
  `...conv2.<j>.weight`, also present (and unused) in the n = 0 stage, 2,203,046 parameters; checkpoints
  output/mbv2_e105_valacc0.80255.pth and output/e91_valacc0.79763.pth (the one predict.py still loads).
An official state dict of either form loads here with strict=True (`MoveNet(old_form=...)`)."""
import torch
import torch.nn as nn


def conv_bn_relu(inp, oup, k, stride=1, groups=1, bias=False, relu=True):
    """Conv(k, padding k//2) + BatchNorm2d (+ ReLU): the building unit of every helper of the official file."""
    mods = [nn.Conv2d(inp, oup, k, stride, k // 2, groups=groups, bias=bias), nn.BatchNorm2d(oup)]
    return mods + [nn.ReLU()] if relu else mods


def conv_3x3_act(inp, oup, stride):  # movenet_mobilenetv2.py conv_3x3_act
    return nn.Sequential(*conv_bn_relu(inp, oup, 3, stride))


def conv_1x1_act(inp, oup):  # movenet_mobilenetv2.py conv_1x1_act and conv_1x1_act2 (identical)
    return nn.Sequential(*conv_bn_relu(inp, oup, 1))


def dw_conv(inp, oup, stride=1):
    # movenet_mobilenetv2.py dw_conv: dw3x3 + BN + ReLU, then pw1x1 + BN with no ReLU
    return nn.Sequential(*conv_bn_relu(inp, inp, 3, stride, groups=inp), *conv_bn_relu(inp, oup, 1, relu=False))


def dw_conv3(inp, oup, stride=1):
    # movenet_mobilenetv2.py dw_conv3: dw3x3 + BN (no ReLU), then pw1x1 + BN + ReLU
    return nn.Sequential(*conv_bn_relu(inp, inp, 3, stride, groups=inp, relu=False), *conv_bn_relu(inp, oup, 1))


def upsample(inp, oup, scale=2):
    # movenet_mobilenetv2.py upsample: a dw3x3 WITH bias (nn.Conv2d default), ReLU, conv_1x1_act2, bilinear x2
    return nn.Sequential(nn.Conv2d(inp, inp, 3, 1, 1, groups=inp), nn.ReLU(), conv_1x1_act(inp, oup),
                         nn.Upsample(scale_factor=scale, mode='bilinear', align_corners=False))


def ir_block(oup, hidden):
    # movenet_mobilenetv2.py IRBlock (and the old shared conv2): pw oup->hidden, dw3x3 no bias, linear pw hidden->oup
    return nn.Sequential(*conv_bn_relu(oup, hidden, 1), *conv_bn_relu(hidden, hidden, 3, groups=hidden),
                         *conv_bn_relu(hidden, oup, 1, relu=False))


class InvertedResidual(nn.Module):
    """movenet_mobilenetv2.py InvertedResidual: conv1 (no skip) then n residual blocks x = x + block(x)."""

    def __init__(self, inp, oup, stride, expand_ratio, n, old_form=False):
        super().__init__()
        hidden = round(inp * expand_ratio)  # the stage INPUT times t, also for the residual blocks
        self.n, self.old_form = n, old_form
        # conv1: pw + BN + ReLU, dw3x3 with the stride and bias=True + BN + ReLU, linear pw + BN
        self.conv1 = nn.Sequential(*conv_bn_relu(inp, hidden, 1),
                                   nn.Conv2d(hidden, hidden, 3, stride, 1, groups=hidden, bias=True),
                                   nn.BatchNorm2d(hidden), nn.ReLU(), *conv_bn_relu(hidden, oup, 1, relu=False))
        if old_form:  # before 6eb59cd: one Sequential, built even when n == 0
            self.conv2 = ir_block(oup, hidden)
        else:  # 6eb59cd: ModuleList of n IRBlocks
            self.conv2 = nn.ModuleList([ir_block(oup, hidden) for _ in range(n)])

    def forward(self, x):
        x = self.conv1(x)
        for i in range(self.n):
            x = x + (self.conv2 if self.old_form else self.conv2[i])(x)  # old form: the same block n times
        return x


class Backbone(nn.Module):
    """movenet_mobilenetv2.py Backbone: MobileNetV2 features1..4 and the FPN."""

    def __init__(self, old_form=False):
        super().__init__()
        ir = lambda *a: InvertedResidual(*a, old_form=old_form)  # noqa: E731
        self.features1 = nn.Sequential(conv_3x3_act(3, 32, 2), dw_conv(32, 16, 1), ir(16, 24, 2, 6, 1))
        self.features2 = ir(24, 32, 2, 6, 2)
        self.features3 = ir(32, 64, 2, 6, 3)
        self.features4 = nn.Sequential(ir(64, 96, 1, 6, 2), ir(96, 160, 2, 6, 2), ir(160, 320, 1, 6, 0),
                                       conv_1x1_act(320, 1280), nn.Conv2d(1280, 64, 1, 1, 0, bias=False),
                                       nn.Upsample(scale_factor=2, mode='bilinear', align_corners=False))
        self.upsample2 = upsample(64, 32)
        self.upsample1 = upsample(32, 24)
        self.conv3 = nn.Conv2d(64, 64, 1, 1, 0)  # FPN laterals: 1x1 with bias
        self.conv2 = nn.Conv2d(32, 32, 1, 1, 0)
        self.conv1 = nn.Conv2d(24, 24, 1, 1, 0)
        self.conv4 = dw_conv3(24, 24, 1)

    def forward(self, x):
        x = x / 127.5 - 1  # Backbone.forward: the model takes raw 0-255 input
        f1 = self.features1(x)
        f2 = self.features2(f1)
        f3 = self.features3(f2)
        f4 = self.features4(f3) + self.conv3(f3)  # the official `f4 += f3` after f3 = conv3(f3)
        f4 = self.upsample2(f4) + self.conv2(f2)
        f4 = self.upsample1(f4) + self.conv1(f1)
        return self.conv4(f4)


class Header(nn.Module):
    """movenet_mobilenetv2.py Header (mode 'train'): [heatmaps (sigmoid), centers (sigmoid), regs, offsets]."""

    def __init__(self, num_classes=17):
        super().__init__()
        self.header_heatmaps = nn.Sequential(dw_conv3(24, 96), nn.Conv2d(96, num_classes, 1, 1, 0), nn.Sigmoid())
        self.header_centers = nn.Sequential(dw_conv3(24, 96), nn.Conv2d(96, 1, 1, 1, 0), nn.Sigmoid())
        self.header_regs = nn.Sequential(dw_conv3(24, 96), nn.Conv2d(96, num_classes * 2, 1, 1, 0))
        self.header_offsets = nn.Sequential(dw_conv3(24, 96), nn.Conv2d(96, num_classes * 2, 1, 1, 0))

    def forward(self, x):
        return [self.header_heatmaps(x), self.header_centers(x), self.header_regs(x), self.header_offsets(x)]


class MoveNet(nn.Module):
    def __init__(self, num_classes=17, old_form=False):
        super().__init__()
        self.backbone = Backbone(old_form)
        self.header = Header(num_classes)
        # MoveNet._initialize_weights: kaiming_normal_(relu, fan_in) convs, zero biases, BN weight 1 / bias 0
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, nonlinearity='relu')
                if m.bias is not None:
                    nn.init.zeros_(m.bias)
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.ones_(m.weight)
                nn.init.zeros_(m.bias)

    def forward(self, x):
        return self.header(self.backbone(x))


def num_params(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


if __name__ == '__main__':
    print(num_params(MoveNet()), num_params(MoveNet(old_form=True)), torch.__version__)
