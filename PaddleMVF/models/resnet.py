"""ResNet-50 backbone in torchvision layout with MVF modules before the chosen blocks' conv1.

Names match torchvision / MVFNet (conv1, bn1, layerX.Y.conv{1,2,3}, bn{1,2,3}, downsample.{0,1}), so
their state dicts convert by name. The input is a stack of frames (N*T, 3, H, W); MVF reshapes it to
(N, C, T, H, W) with the segment count it was built for.
"""
from typing import Sequence

import paddle
import paddle.nn as nn

from .bn import BatchNorm2D
from .mvf import MVF

STAGE_BLOCKS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3)}


def _bn(channels: int) -> BatchNorm2D:
    return BatchNorm2D(channels, weight_attr=nn.initializer.Constant(1.0),
                          bias_attr=nn.initializer.Constant(0.0))


def _conv(in_ch: int, out_ch: int, kernel: int, stride: int = 1) -> nn.Conv2D:
    # kaiming normal, fan_out (torchvision's ResNet init)
    return nn.Conv2D(in_ch, out_ch, kernel, stride=stride, padding=kernel // 2, bias_attr=False,
                     weight_attr=nn.initializer.KaimingNormal(fan_in=out_ch * kernel * kernel))


class Bottleneck(nn.Layer):
    """1x1 -> 3x3 (stride here, 'pytorch' style) -> 1x1, expansion 4."""
    expansion = 4

    def __init__(self, in_ch: int, planes: int, stride: int = 1, downsample: nn.Layer = None):
        super().__init__()
        self.conv1 = _conv(in_ch, planes, 1)
        self.bn1 = _bn(planes)
        self.conv2 = _conv(planes, planes, 3, stride)
        self.bn2 = _bn(planes)
        self.conv3 = _conv(planes, planes * 4, 1)
        self.bn3 = _bn(planes * 4)
        self.relu = nn.ReLU()
        self.downsample = downsample

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        identity = x if self.downsample is None else self.downsample(x)  # un-fused input
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + identity)


class ResNet(nn.Layer):
    """ResNet-50/101 trunk (no fc) returning the layer4 feature map (N*T, 2048, H/32, W/32)."""

    def __init__(self, depth: int = 50, num_segments: int = 16, alpha: float = 0.125,
                 mvf_freq: Sequence[int] = (0, 0, 1, 1), use_hs: bool = True, share: bool = False,
                 mode: str = "THW"):
        super().__init__()
        self.conv1 = nn.Conv2D(3, 64, 7, stride=2, padding=3, bias_attr=False,
                               weight_attr=nn.initializer.KaimingNormal(fan_in=64 * 49))
        self.bn1 = _bn(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2D(3, stride=2, padding=1)
        in_ch = 64
        for i, (blocks, stride) in enumerate(zip(STAGE_BLOCKS[depth], (1, 2, 2, 2))):
            planes = 64 * 2 ** i
            layers = []
            for j in range(blocks):
                down = None
                if j == 0 and (stride != 1 or in_ch != planes * 4):
                    down = nn.Sequential(_conv(in_ch, planes * 4, 1, stride), _bn(planes * 4))
                block = Bottleneck(in_ch, planes, stride if j == 0 else 1, down)
                if mvf_freq[i]:
                    block.conv1 = MVF(block.conv1, num_segments, in_ch, alpha, use_hs, share, mode)
                layers.append(block)
                in_ch = planes * 4
            setattr(self, f"layer{i + 1}", nn.Sequential(*layers))

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))
