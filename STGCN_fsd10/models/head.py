"""STGCNHead: a 1x1 conv classifier over the pooled features (as PaddleVideo's `head.fcn`)."""
import paddle
import paddle.nn as nn

from .stgcn import Conv2D


class STGCNHead(nn.Layer):
    def __init__(self, in_channels: int, num_classes: int) -> None:
        super().__init__()
        self.num_classes = num_classes
        self.fcn = Conv2D(in_channels, num_classes, kernel_size=1)
        nn.initializer.Normal(0.0, 0.02)(self.fcn.weight)
        nn.initializer.Constant(0.0)(self.fcn.bias)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        return self.fcn(x).flatten(1)  # [N, num_classes] logits
