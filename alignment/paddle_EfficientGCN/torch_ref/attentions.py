"""ST-Joint attention, written from EfficientGCNv1 src/model/attentions.py (Attention_Layer, att_type 'stja'
-> ST_Joint_Att)."""
import torch
from torch import nn


class STJointAtt(nn.Module):
    """attentions.py ST_Joint_Att: mean over joints (a per-frame descriptor) and over frames (a per-joint one),
    concatenated along the frame axis, a shared 1x1 conv (bias=bias) + BN + nn.Hardswish bottleneck, split back,
    then sigmoid(conv_t(.)) * sigmoid(conv_v(.)) (conv_t / conv_v always with bias)."""

    def __init__(self, channel: int, reduct_ratio: int, bias: bool):
        super().__init__()
        inner = channel // reduct_ratio
        self.fcn = nn.Sequential(nn.Conv2d(channel, inner, 1, bias=bias), nn.BatchNorm2d(inner), nn.Hardswish())
        self.conv_t = nn.Conv2d(inner, channel, 1)
        self.conv_v = nn.Conv2d(inner, channel, 1)

    def forward(self, x):
        _, _, t, v = x.size()
        per_frame = x.mean(3, keepdim=True)                  # N, C, T, 1
        per_joint = x.mean(2, keepdim=True).transpose(2, 3)  # N, C, V, 1
        both = self.fcn(torch.cat([per_frame, per_joint], dim=2))
        per_frame, per_joint = torch.split(both, [t, v], dim=2)
        return self.conv_t(per_frame).sigmoid() * self.conv_v(per_joint.transpose(2, 3)).sigmoid()


class AttentionLayer(nn.Module):
    """attentions.py Attention_Layer: act(bn(x * att(x)) + x)."""

    def __init__(self, channel: int, reduct_ratio: int, bias: bool, act):
        super().__init__()
        self.att = STJointAtt(channel, reduct_ratio, bias)
        self.bn = nn.BatchNorm2d(channel)
        self.act = act

    def forward(self, x):
        res = x
        return self.act(self.bn(x * self.att(x)) + res)
