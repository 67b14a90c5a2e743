"""EfficientGCN-B{x}, written from EfficientGCNv1 src/model/nets.py (EfficientGCN, EfficientGCN_Blocks,
EfficientGCN_Classifier, init_param) and src/model/__init__.py (rescale_block, create)."""
import math
from typing import List, Sequence

import torch
from torch import nn

from .attentions import AttentionLayer
from .graph import adjacency
from .layers import SpatialGraphLayer, Swish, TemporalBasicLayer, TemporalSGLayer

# src/model/__init__.py create(): model_args of configs/2001.yaml (B0, NTU-60 X-sub), the paper model
CONFIG_2001 = dict(stem_channel=64, block_args=[[48, 1, 0.5], [24, 1, 0.5], [64, 2, 1], [128, 2, 1]],
                   fusion_stage=2, act_type='swish', att_type='stja', layer_type='SG', drop_prob=0.25,
                   kernel_size=[5, 2], scale_args=[1.2, 1.35], expand_ratio=0, reduct_ratio=2, bias=True, edge=True)


def rescale_block(block_args: Sequence[Sequence[float]], scale_args: Sequence[float], phi: int) -> List[List[int]]:
    """src/model/__init__.py rescale_block: channel -> max(int(round(c * a^phi / 16)) * 16, 16), depth ->
    int(round(d * b^phi)); Python's round halves to even, so B0's depth 0.5 becomes 0."""
    a, b = math.pow(scale_args[0], phi), math.pow(scale_args[1], phi)
    return [[max(int(round(c * a / 16)) * 16, 16), s, int(round(d * b))] for c, s, d in block_args]


class Blocks(nn.Sequential):
    """nets.py EfficientGCN_Blocks: in an input branch (input_channel > 0) init_bn, stem_scn, stem_tcn; then per
    block block-i_scn, block-i_tcn-j for j < depth (the stride on j = 0 only), block-i_att."""

    def __init__(self, init_channel, block_args, kernel_size, A, act, bias, edge, reduct_ratio, input_channel=0):
        super().__init__()
        window, max_dist = kernel_size
        if input_channel > 0:
            self.add_module('init_bn', nn.BatchNorm2d(input_channel))
            self.add_module('stem_scn', SpatialGraphLayer(input_channel, init_channel, max_dist, bias, edge, A, act))
            self.add_module('stem_tcn', TemporalBasicLayer(init_channel, window, bias, act))
        last = init_channel
        for i, (channel, stride, depth) in enumerate(block_args):
            self.add_module(f'block-{i}_scn', SpatialGraphLayer(last, channel, max_dist, bias, edge, A, act))
            for j in range(depth):  # layer_type 'SG' -> layers.py Temporal_SG_Layer
                self.add_module(f'block-{i}_tcn-{j}', TemporalSGLayer(channel, window, bias, act, reduct_ratio,
                                                                      stride if j == 0 else 1))
            self.add_module(f'block-{i}_att', AttentionLayer(channel, reduct_ratio, bias, act))
            last = channel


class Classifier(nn.Sequential):
    """nets.py EfficientGCN_Classifier: AdaptiveAvgPool3d(1) over (T, V, M), Dropout (inplace in the official
    code), 1x1x1 Conv3d."""

    def __init__(self, channel: int, num_class: int, drop_prob: float):
        super().__init__()
        self.add_module('gap', nn.AdaptiveAvgPool3d(1))
        self.add_module('dropout', nn.Dropout(drop_prob))
        self.add_module('fc', nn.Conv3d(channel, num_class, 1))


class EfficientGCN(nn.Module):
    """nets.py EfficientGCN: [N, I, C, T, V, M] -> (logits [N, num_class], feature [N, C', T', V, M])."""

    def __init__(self, num_class: int = 60, model_type: str = 'EfficientGCN-B0', num_input: int = 3,
                 num_channel: int = 6, **model_args):
        super().__init__()
        args = dict(CONFIG_2001, **model_args)
        assert args['layer_type'] == 'SG' and args['att_type'] == 'stja' and args['act_type'] == 'swish'
        # create(): the scaling coefficient is the last character of model_type
        block_args = rescale_block(args['block_args'], args['scale_args'], int(model_type[-1]))
        act = Swish(inplace=True)  # one shared instance, as src/model/__init__.py __activations
        A = torch.Tensor(adjacency())  # src/initializer.py init_model: torch.Tensor(graph.A), float32
        common = dict(kernel_size=args['kernel_size'], A=A, act=act, bias=args['bias'], edge=args['edge'],
                      reduct_ratio=args['reduct_ratio'])
        fusion, stem = args['fusion_stage'], args['stem_channel']
        self.input_branches = nn.ModuleList([Blocks(stem, block_args[:fusion], input_channel=num_channel, **common)
                                             for _ in range(num_input)])
        last = stem if fusion == 0 else block_args[fusion - 1][0]
        self.main_stream = Blocks(num_input * last, block_args[fusion:], **common)
        last = num_input * block_args[-1][0] if fusion == len(block_args) else block_args[-1][0]
        self.classifier = Classifier(last, num_class, args['drop_prob'])
        init_param(self.modules())

    def forward(self, x):
        n, i, c, t, v, m = x.size()
        x = x.permute(1, 0, 5, 2, 3, 4).contiguous().view(i, n * m, c, t, v)  # every person is a sample
        x = torch.cat([branch(x[k]) for k, branch in enumerate(self.input_branches)], dim=1)  # early fusion
        x = self.main_stream(x)
        _, c, t, v = x.size()
        feature = x.view(n, m, c, t, v).permute(0, 2, 3, 4, 1)
        return self.classifier(feature).view(n, -1), feature


def init_param(modules) -> None:
    """nets.py init_param: Conv1d/2d kaiming_normal_(fan_out, leaky_relu a=0), bias 0; BN weight 1, bias 0;
    Conv3d/Linear normal(std=0.001), bias 0."""
    for m in modules:
        if isinstance(m, (nn.Conv1d, nn.Conv2d)):
            nn.init.kaiming_normal_(m.weight, mode='fan_out', nonlinearity='leaky_relu')
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)):
            nn.init.constant_(m.weight, 1)
            nn.init.constant_(m.bias, 0)
        elif isinstance(m, (nn.Conv3d, nn.Linear)):
            nn.init.normal_(m.weight, std=0.001)
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
