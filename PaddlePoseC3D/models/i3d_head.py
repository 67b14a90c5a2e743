"""I3D classification head: global average pool -> dropout -> fc."""
from __future__ import annotations

import paddle
from paddle import nn


class I3DHead(nn.Layer):
    """`fc_lr_mult` > 1 reproduces the seed port's faster fc (x5); 1 is mmaction2's recipe."""

    def __init__(self, num_classes: int, in_channels: int = 512, dropout_ratio: float = 0.5,
                 init_std: float = 0.01, fc_lr_mult: float = 1.0) -> None:
        super().__init__()
        self.avg_pool = nn.AdaptiveAvgPool3D(1)
        self.dropout = nn.Dropout(dropout_ratio) if dropout_ratio > 0 else None
        self.fc_cls = nn.Linear(
            in_channels, num_classes,
            weight_attr=paddle.ParamAttr(initializer=nn.initializer.Normal(0.0, init_std), learning_rate=fc_lr_mult),
            bias_attr=paddle.ParamAttr(initializer=nn.initializer.Constant(0.0), learning_rate=fc_lr_mult))

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        x = self.avg_pool(x).flatten(1)
        if self.dropout is not None:
            x = self.dropout(x)
        return self.fc_cls(x)
