"""ST-Joint attention (official Attention_Layer with att_type 'stja')."""
import paddle
import paddle.nn as nn
import paddle.nn.functional as F

from models.layers import BatchNorm2D, Conv2D


class STJointAtt(nn.Layer):
    """Pools over joints (-> frame descriptor) and over frames (-> joint descriptor), a shared bottleneck,
    then one sigmoid map per axis; the attention is their outer product."""

    def __init__(self, channel: int, reduct_ratio: int, bias: bool):
        super().__init__()
        inner = channel // reduct_ratio
        self.fcn = nn.Sequential(Conv2D(channel, inner, 1, bias_attr=None if bias else False),
                                 BatchNorm2D(inner), nn.Hardswish())
        self.conv_t = Conv2D(inner, channel, 1)
        self.conv_v = Conv2D(inner, channel, 1)

    def forward(self, x):
        t, v = x.shape[2], x.shape[3]
        # Means as average pools and the outer product without broadcasting: the same values (a pool sums like a
        # mean), but Paddle Inference's oneDNN mean over a non-last axis and its broadcasting multiply were the
        # slowest ops of the export (1.5 of 2.3 s per sample under load, issue 14).
        x_t = F.avg_pool2d(x, [1, v])                                       # N, C, T, 1
        x_v = F.avg_pool2d(x, [t, 1]).transpose([0, 1, 3, 2])               # N, C, V, 1
        x_att = self.fcn(paddle.concat([x_t, x_v], axis=2))
        x_t, x_v = x_att[:, :, :-v], x_att[:, :, -v:]  # slices, not split: oneDNN's split fails here
        att_t = F.sigmoid(self.conv_t(x_t))                                 # N, C, T, 1
        att_v = F.sigmoid(self.conv_v(x_v.transpose([0, 1, 3, 2])))         # N, C, 1, V
        # outer product as a same-shape multiply (a broadcasting multiply is slow in oneDNN; a K=1 matmul was fast
        # but not exact under oneDNN's fusions, 1e-5 on the softmax): N, C, T, V
        return att_t.expand([-1, -1, t, v]) * att_v.expand([-1, -1, t, v])


class AttentionLayer(nn.Layer):
    """act(BN(x * att(x)) + x)."""

    def __init__(self, channel: int, act: nn.Layer, reduct_ratio: int, bias: bool):
        super().__init__()
        self.att = STJointAtt(channel, reduct_ratio, bias)
        self.bn = BatchNorm2D(channel)
        self.act = act

    def forward(self, x):
        return self.act(self.bn(x * self.att(x)) + x)
