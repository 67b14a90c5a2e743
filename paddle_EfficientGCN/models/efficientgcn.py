"""EfficientGCN-B{x}: input branches (J, V, B) -> early fusion -> main stream -> Conv3D classifier.

Block settings come from one B0 `block_args` list scaled by the compound coefficient x of the model type
(rescale_block), with Python's round-half-to-even exactly as the official code.
"""
import math
from dataclasses import dataclass
from typing import Any, Dict, List, Sequence

import numpy as np
import paddle
import paddle.nn as nn

from models.activations import get_activation
from models.attention import AttentionLayer
from models.graph import ntu_adjacency
from models.layers import BatchNorm2D, SpatialGraphLayer, TemporalBasicLayer, temporal_layer


def rescale_block(block_args: Sequence[Sequence[float]], scale_args: Sequence[float],
                  scale_factor: int) -> List[List[int]]:
    """channel -> max(round(c * a^x / 16) * 16, 16), depth -> round(d * b^x). B0 keeps depth 0.5 -> 0."""
    channel_scaler = math.pow(scale_args[0], scale_factor)
    depth_scaler = math.pow(scale_args[1], scale_factor)
    return [[max(int(round(channel * channel_scaler / 16)) * 16, 16), int(stride),
             int(round(depth * depth_scaler))] for channel, stride, depth in block_args]


def scale_coefficient(model_type: str) -> int:
    """'EfficientGCN-B4' -> 4."""
    prefix = 'EfficientGCN-B'
    if not model_type.startswith(prefix) or not model_type[len(prefix):].isdigit():
        raise ValueError(f"model_type must look like 'EfficientGCN-B0', got {model_type!r}")
    return int(model_type[len(prefix):])


@dataclass(frozen=True)
class LayerArgs:
    """The model_args every layer of the official code receives through **kwargs, named one by one."""
    act: nn.Layer
    A: np.ndarray
    layer_type: str
    kernel_size: Sequence[int]  # [temporal window, max graph distance]
    bias: bool
    edge: bool
    reduct_ratio: int
    expand_ratio: int


class EfficientGCNBlocks(nn.Sequential):
    """Official EfficientGCN_Blocks: [init_bn, stem_scn, stem_tcn] (input branch only), then per block
    block-i_scn, block-i_tcn-j (j < depth, stride on j = 0), block-i_att."""

    def __init__(self, init_channel: int, block_args: List[List[int]], la: LayerArgs, input_channel: int = 0):
        super().__init__()
        window, max_graph_distance = la.kernel_size
        if input_channel > 0:
            self.add_sublayer('init_bn', BatchNorm2D(input_channel))
            self.add_sublayer('stem_scn', SpatialGraphLayer(input_channel, init_channel, max_graph_distance, la.act,
                                                            la.A, la.bias, la.edge))
            self.add_sublayer('stem_tcn', TemporalBasicLayer(init_channel, window, la.act, la.bias))
        last_channel = init_channel
        for i, (channel, stride, depth) in enumerate(block_args):
            self.add_sublayer(f'block-{i}_scn', SpatialGraphLayer(last_channel, channel, max_graph_distance, la.act,
                                                                  la.A, la.bias, la.edge))
            for j in range(depth):
                self.add_sublayer(f'block-{i}_tcn-{j}', temporal_layer(
                    la.layer_type, channel, window, stride if j == 0 else 1, la.act, la.bias, la.reduct_ratio,
                    la.expand_ratio))
            self.add_sublayer(f'block-{i}_att', AttentionLayer(channel, la.act, la.reduct_ratio, la.bias))
            last_channel = channel


class EfficientGCNClassifier(nn.Sequential):
    """Global average over (T, V, M), dropout, 1x1x1 Conv3D (official EfficientGCN_Classifier)."""

    def __init__(self, channel: int, num_class: int, drop_prob: float):
        super().__init__()
        self.add_sublayer('gap', nn.AdaptiveAvgPool3D(1))
        self.add_sublayer('dropout', nn.Dropout(drop_prob))
        self.add_sublayer('fc', nn.Conv3D(channel, num_class, 1))


class EfficientGCN(nn.Layer):
    """Input [N, I, C, T, V, M] (I = 3 inputs J/V/B, C = 6) -> logits [N, num_class]."""

    def __init__(self, data_shape: Sequence[int], block_args: List[List[int]], fusion_stage: int, stem_channel: int,
                 num_class: int, drop_prob: float, la: LayerArgs):
        super().__init__()
        num_input, num_channel, _, _, self.num_person = data_shape
        self.input_branches = nn.LayerList([
            EfficientGCNBlocks(stem_channel, block_args[:fusion_stage], la, input_channel=num_channel)
            for _ in range(num_input)])
        last_channel = stem_channel if fusion_stage == 0 else block_args[fusion_stage - 1][0]
        self.main_stream = EfficientGCNBlocks(num_input * last_channel, block_args[fusion_stage:], la)
        last_channel = num_input * block_args[-1][0] if fusion_stage == len(block_args) else block_args[-1][0]
        self.classifier = EfficientGCNClassifier(last_channel, num_class, drop_prob)
        init_param(self)

    def forward(self, x):
        _, i, c, t, v, m = x.shape
        x = x.transpose([1, 0, 5, 2, 3, 4]).reshape([i, -1, c, t, v])   # I, N*M, C, T, V
        x = paddle.concat([branch(x[k]) for k, branch in enumerate(self.input_branches)], axis=1)
        x = self.main_stream(x)
        _, c, t, v = x.shape
        feature = x.reshape([-1, m, c, t, v]).transpose([0, 2, 3, 4, 1])  # N, C, T, V, M
        return self.classifier(feature).flatten(1)


def init_param(model: nn.Layer) -> None:
    """Official init_param: convs kaiming-normal (fan_out, gain sqrt 2), BN 1/0, Conv3D/Linear N(0, 0.001)."""
    for layer in model.sublayers():
        if isinstance(layer, (nn.Conv1D, nn.Conv2D)):
            w = layer.weight
            fan_out = w.shape[0] * int(np.prod(w.shape[2:]))
            w.set_value(paddle.normal(0.0, math.sqrt(2.0 / fan_out), w.shape).astype(w.dtype))
            if layer.bias is not None:
                layer.bias.set_value(paddle.zeros_like(layer.bias))
        elif isinstance(layer, (nn.BatchNorm1D, nn.BatchNorm2D)):
            layer.weight.set_value(paddle.ones_like(layer.weight))
            layer.bias.set_value(paddle.zeros_like(layer.bias))
        elif isinstance(layer, (nn.Conv3D, nn.Linear)):
            layer.weight.set_value(paddle.normal(0.0, 0.001, layer.weight.shape).astype(layer.weight.dtype))
            if layer.bias is not None:
                layer.bias.set_value(paddle.zeros_like(layer.bias))


def build_model(cfg: Dict[str, Any]) -> EfficientGCN:
    """Model from a validated config (utils/config.py SCHEMA): model_type, num_class, data_shape and every key of
    the official model_args, each passed by name."""
    m = cfg['model_args']
    if m['att_type'] != 'stja':
        raise ValueError('only att_type stja (ST-Joint attention) is implemented')
    block_args = rescale_block(m['block_args'], m['scale_args'], scale_coefficient(cfg['model_type']))
    la = LayerArgs(act=get_activation(m['act_type']), A=ntu_adjacency(max_hop=10), layer_type=m['layer_type'],
                   kernel_size=m['kernel_size'], bias=m['bias'], edge=m['edge'], reduct_ratio=m['reduct_ratio'],
                   expand_ratio=m['expand_ratio'])
    return EfficientGCN(cfg['data_shape'], block_args, m['fusion_stage'], m['stem_channel'], cfg['num_class'],
                        m['drop_prob'], la)
