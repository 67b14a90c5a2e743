"""The exported (inference) form of a trained Recognizer3D: each eval-mode Conv3D -> BatchNorm3d pair folded into
one Conv3D with a bias, the same function (logits within ~1e-6 relative, tests/test_scripts.py checks the export
against dygraph at 1e-5 on the probabilities).

Why: Paddle Inference's oneDNN passes fuse BatchNorm into conv2d but not into conv3d, so the plain export runs 43
separate batch_norm ops (a profile of an earlier session put them at about 14 % of a view's time). Measured again
on 2026-11-30 (R50, 1 thread, oneDNN on, interleaved, median of 7 on the loaded shared machine): folded 1226.7 ms,
unfolded 1227.9 ms a view, no measurable gain; it is kept because it is exact (max diff 9e-10) and is the graph ONNX
Runtime and tools/quantize.py's pre-processing end up running anyway (both fold Conv+BN themselves).
"""
from __future__ import annotations

import copy

import paddle
from paddle import nn

from models.resnet3d_slowonly import ConvModule


class FoldedConvModule(nn.Layer):
    """Conv3D with bias = conv (no bias) followed by eval-mode BN: w' = w * g / sqrt(var + eps),
    b' = beta - mean * g / sqrt(var + eps); then the module's ReLU when it has one."""

    def __init__(self, module: ConvModule) -> None:
        super().__init__()
        conv, bn = module.conv, module.bn
        self.conv = nn.Conv3D(conv._in_channels, conv._out_channels, conv._kernel_size, stride=conv._stride,
                              padding=conv._padding, bias_attr=True)
        with paddle.no_grad():
            scale = bn.weight / paddle.sqrt(bn._variance + bn._epsilon)
            self.conv.weight.set_value(conv.weight * scale.reshape([-1, 1, 1, 1, 1]))
            self.conv.bias.set_value(bn.bias - bn._mean * scale)
        self.act = module.act

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        x = self.conv(x)
        return self.act(x) if self.act is not None else x


def _fold(layer: nn.Layer) -> None:
    for name, child in list(layer.named_children()):
        if isinstance(child, ConvModule):
            setattr(layer, name, FoldedConvModule(child))
        else:
            _fold(child)


def fold_bn(model: nn.Layer) -> nn.Layer:
    """A copy of `model` (left unchanged) with every ConvModule folded, in eval mode."""
    folded = copy.deepcopy(model)
    folded.eval()
    _fold(folded)
    if hasattr(folded, "backbone"):  # ResNet3dSlowOnly iterates over res_layers, a plain list of the stages
        folded.backbone.res_layers = [getattr(folded.backbone, f"layer{i + 1}")
                                      for i in range(len(folded.backbone.res_layers))]
    folded.eval()
    return folded
