"""MobileNetV2 backbone + FPN of movenet.pytorch: 192x192 RGB (0-255) in, 24x48x48 features out."""
import paddle
import paddle.nn as nn

from .layers import InvertedResidual, Upsample2x, conv_1x1_act, conv_3x3_act, dw_conv, dw_conv3, upsample


class Backbone(nn.Layer):
    def __init__(self):
        super().__init__()
        self.features1 = nn.Sequential(conv_3x3_act(3, 32, 2), dw_conv(32, 16, 1), InvertedResidual(16, 24, 2, 6, 1))
        self.features2 = InvertedResidual(24, 32, 2, 6, 2)
        self.features3 = InvertedResidual(32, 64, 2, 6, 3)
        self.features4 = nn.Sequential(
            InvertedResidual(64, 96, 1, 6, 2), InvertedResidual(96, 160, 2, 6, 2), InvertedResidual(160, 320, 1, 6, 0),
            conv_1x1_act(320, 1280), nn.Conv2D(1280, 64, 1, bias_attr=False), Upsample2x(64))
        self.upsample2 = upsample(64, 32)
        self.upsample1 = upsample(32, 24)
        # 1x1 lateral connections of the FPN
        self.conv3 = nn.Conv2D(64, 64, 1)
        self.conv2 = nn.Conv2D(32, 32, 1)
        self.conv1 = nn.Conv2D(24, 24, 1)
        self.conv4 = dw_conv3(24, 24, 1)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        x = x / 127.5 - 1  # the model takes raw 0-255 RGB
        f1 = self.features1(x)  # 24x48x48
        f2 = self.features2(f1)  # 32x24x24
        f3 = self.features3(f2)  # 64x12x12
        f4 = self.features4(f3) + self.conv3(f3)  # 64x12x12 (stride 32 upsampled once)
        f4 = self.upsample2(f4) + self.conv2(f2)
        f4 = self.upsample1(f4) + self.conv1(f1)
        return self.conv4(f4)
