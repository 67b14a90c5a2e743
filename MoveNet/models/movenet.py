"""MoveNet single-pose (movenet.pytorch layout): backbone + FPN, four heads; optional in-graph decode."""
from typing import List

import paddle
import paddle.nn as nn

from .backbone import Backbone
from .decode import movenet_decode
from .header import Header

NUM_PARAMS = 1_912_118  # backbone 1,892,736 + heads 19,382 (computed from the layer shapes)


class MoveNet(nn.Layer):
    """Input [N,3,192,192] RGB 0-255; output [heatmaps 17, centers 1, regs 34, offsets 34], each 48x48."""

    def __init__(self, num_joints: int = 17):
        super().__init__()
        self.backbone = Backbone()
        self.header = Header(num_joints)
        self._init_weights()

    def _init_weights(self) -> None:
        # as the original: kaiming-normal (fan_in, relu) convs, zero biases, BN 1/0
        kaiming, zeros, ones = nn.initializer.KaimingNormal(), nn.initializer.Constant(0.0), nn.initializer.Constant(1.0)
        for m in self.sublayers():
            if isinstance(m, nn.Conv2D):
                kaiming(m.weight)
                if m.bias is not None:
                    zeros(m.bias)
            elif isinstance(m, nn.BatchNorm2D):
                ones(m.weight)
                zeros(m.bias)

    def forward(self, x: paddle.Tensor) -> List[paddle.Tensor]:
        return self.header(self.backbone(x))


class MoveNetWithDecode(nn.Layer):
    """Network and movenetDecode in one graph: [N,3,S,S] -> keypoints [N,17,3] (x, y, score). units 'pixels': x, y
    in pixels of the model input (0..S, the export's contract, TEST.keypoint_units); 'normalized': [0, 1] of it.
    x = y = -1 where the score is below hm_th."""

    def __init__(self, net: MoveNet, hm_th: float = 0.1, img_size: int = 192, units: str = 'pixels'):
        super().__init__()
        if units not in ('pixels', 'normalized'):
            raise ValueError(f'units {units!r}: pixels or normalized')
        self.net = net
        self.hm_th = hm_th
        self.scale = float(img_size) if units == 'pixels' else 1.0

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return movenet_decode(*self.net(x), hm_th=self.hm_th, scale=self.scale)
