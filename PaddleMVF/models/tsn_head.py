"""TSN classification head (MVFNet ``TSNClsHead``, spatial_size=-1, avg consensus).

Train/val: per-frame global average pool -> dropout -> ``new_fc`` -> average over the segments.
fcn testing: ``new_fc`` is applied as a 1x1x1 Conv3D on the (N, 2048, T, h, w) feature volume and the
class map is averaged over (T, h, w). The conv kernel is a view of ``new_fc``'s weight, so nothing
extra enters the state dict (MVFNet builds ``new_cls`` lazily for the same reason).
"""
import paddle
import paddle.nn as nn
import paddle.nn.functional as F


class TSNHead(nn.Layer):
    def __init__(self, num_classes: int, in_channels: int = 2048, dropout: float = 0.5,
                 init_std: float = 0.01):
        super().__init__()
        self.in_channels = in_channels
        self.num_classes = num_classes
        self.dropout = nn.Dropout(dropout) if dropout > 0 else None
        self.new_fc = nn.Linear(in_channels, num_classes,
                                weight_attr=nn.initializer.Normal(0.0, init_std),
                                bias_attr=nn.initializer.Constant(0.0))

    def forward(self, x: paddle.Tensor, num_segments: int, fcn_testing: bool = False) -> paddle.Tensor:
        """x: (N*T, C, h, w) -> class scores (N, num_classes)."""
        if fcn_testing:
            _, c, h, w = x.shape
            x = x.reshape([-1, num_segments, c, h, w]).transpose([0, 2, 1, 3, 4])
            kernel = self.new_fc.weight.t().reshape([self.num_classes, c, 1, 1, 1])
            return F.conv3d(x, kernel, self.new_fc.bias).mean(axis=[2, 3, 4])
        x = F.adaptive_avg_pool2d(x, 1).flatten(1)
        if self.dropout is not None:
            x = self.dropout(x)
        scores = self.new_fc(x)
        return scores.reshape([-1, num_segments, self.num_classes]).mean(axis=1)
