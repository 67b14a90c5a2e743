"""The four MoveNet heads on the 48x48 feature map."""
from typing import List

import paddle
import paddle.nn as nn

from .layers import dw_conv3


class Header(nn.Layer):
    def __init__(self, num_joints: int = 17):
        super().__init__()
        self.header_heatmaps = nn.Sequential(dw_conv3(24, 96), nn.Conv2D(96, num_joints, 1), nn.Sigmoid())
        self.header_centers = nn.Sequential(dw_conv3(24, 96), nn.Conv2D(96, 1, 1), nn.Sigmoid())
        self.header_regs = nn.Sequential(dw_conv3(24, 96), nn.Conv2D(96, num_joints * 2, 1))
        self.header_offsets = nn.Sequential(dw_conv3(24, 96), nn.Conv2D(96, num_joints * 2, 1))

    def forward(self, x: paddle.Tensor) -> List[paddle.Tensor]:
        return [self.header_heatmaps(x), self.header_centers(x), self.header_regs(x), self.header_offsets(x)]
