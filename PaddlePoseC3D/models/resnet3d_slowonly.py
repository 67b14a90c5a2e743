"""ResNet3dSlowOnly (the slow pathway of SlowFast, used by PoseC3D on keypoint heatmap volumes).

Sub-layer names mirror mmaction2's (`conv1.conv`, `conv1.bn`, `layer1.0.conv1.conv`, `layer1.0.downsample.bn`,
...) so an official checkpoint maps onto this network by renaming BN buffers only.
"""
from __future__ import annotations

from typing import Sequence

import paddle
from paddle import nn

# depth -> blocks per stage (Bottleneck3d, expansion 4), as in ResNet3d.arch_settings.
ARCH_SETTINGS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}


class BatchNorm3d(nn.BatchNorm3D):
    """BN3d whose running variance follows torch.nn.BatchNorm3d, i.e. mmcv's BN3d in mmaction2: in training the
    running variance moves towards the UNBIASED batch variance (x n / (n - 1), n = N*T*H*W). Paddle's own update
    uses the biased one (checked on Paddle 3.3: 0.9 * old + 0.1 * var_biased), 1 / (n - 1) smaller. The batch
    normalisation itself (biased variance) and evaluation are Paddle's, unchanged. In dygraph the correction is
    written with Tensor.set_value, under paddle.jit.to_static with paddle.assign(..., output=) (a static graph has no
    set_value): static training gives the same loss curve and running statistics (tests/test_to_static.py)."""

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        if not self.training or self._use_global_stats:
            return super().forward(x)
        n = 1
        for d in (x.shape[0], *x.shape[2:]):
            n *= int(d)
        old = self._variance.detach().clone()
        out = super().forward(x)
        if n > 1:  # Paddle wrote m * old + (1 - m) * v_b; add (1 - m) * v_b / (n - 1)
            with paddle.no_grad():
                new = self._variance + (self._variance - self._momentum * old) / (n - 1)
                if paddle.in_dynamic_mode():  # set_value: no version bump on a tensor batch_norm's grad holds
                    self._variance.set_value(new)
                else:  # paddle.jit.to_static: an assign op into the buffer
                    paddle.assign(new, output=self._variance)
        return out


class ConvModule(nn.Layer):
    """Conv3D (no bias) -> BN3d -> optional ReLU, the mmcv ConvModule used everywhere in ResNet3d."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 act: bool = True) -> None:
        super().__init__()
        self.conv = nn.Conv3D(in_channels, out_channels, kernel_size, stride=stride, padding=padding,
                              bias_attr=False,
                              weight_attr=nn.initializer.KaimingNormal(negative_slope=0.0, nonlinearity="relu",
                                                                       mode="fan_out"))
        # Paddle momentum 0.9 == torch momentum 0.1 (mmcv default); the seed port used 0.1 and needed PreciseBN.
        self.bn = BatchNorm3d(out_channels, momentum=0.9, epsilon=1e-5)
        self.act = nn.ReLU() if act else None

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        x = self.bn(self.conv(x))
        return self.act(x) if self.act is not None else x


class Bottleneck3d(nn.Layer):
    """1x1x1 (or 3x1x1 when inflated) -> 1x3x3 with stride -> 1x1x1 x4, plus identity/downsample ('pytorch' style)."""

    expansion = 4

    def __init__(self, inplanes: int, planes: int, spatial_stride: int = 1, temporal_stride: int = 1,
                 inflate: bool = True, downsample: nn.Layer | None = None) -> None:
        super().__init__()
        k1, p1 = ((3, 1, 1), (1, 0, 0)) if inflate else ((1, 1, 1), (0, 0, 0))  # inflate_style '3x1x1'
        self.conv1 = ConvModule(inplanes, planes, k1, padding=p1)
        self.conv2 = ConvModule(planes, planes, (1, 3, 3), stride=(temporal_stride, spatial_stride, spatial_stride),
                                padding=(0, 1, 1))
        self.conv3 = ConvModule(planes, planes * self.expansion, 1, act=False)
        self.downsample = downsample
        self.relu = nn.ReLU()

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(self.conv3(self.conv2(self.conv1(x))) + identity)


class ResNet3dSlowOnly(nn.Layer):
    """Stem conv (1,7,7) stride 1 + max-pool stride 1 (no pool2), then `num_stages` bottleneck stages."""

    def __init__(self, depth: int = 50, in_channels: int = 17, base_channels: int = 32, num_stages: int = 3,
                 spatial_strides: Sequence[int] = (2, 2, 2), temporal_strides: Sequence[int] = (1, 1, 2),
                 inflate: Sequence[int] = (0, 1, 1), conv1_kernel: Sequence[int] = (1, 7, 7),
                 zero_init_residual: bool = True, stage_blocks: Sequence[int] | None = None) -> None:
        super().__init__()
        if depth not in ARCH_SETTINGS:
            raise ValueError(f"depth {depth} not in {sorted(ARCH_SETTINGS)}")
        # mmaction2 0.x backbones/resnet3d.py ResNet3d.__init__: an explicit stage_blocks (the limb configs'
        # (4, 6, 3)) replaces the depth's block counts
        if stage_blocks is None:
            stage_blocks = ARCH_SETTINGS[depth][:num_stages]
        elif len(stage_blocks) != num_stages:
            raise ValueError(f"stage_blocks {list(stage_blocks)} must have num_stages={num_stages} entries")
        stage_blocks = tuple(int(b) for b in stage_blocks)
        k = tuple(conv1_kernel)
        self.conv1 = ConvModule(in_channels, base_channels, k, padding=tuple((x - 1) // 2 for x in k))
        self.maxpool = nn.MaxPool3D(kernel_size=(1, 3, 3), stride=1, padding=(0, 1, 1))
        inplanes = base_channels
        self.res_layers = []
        for i, blocks in enumerate(stage_blocks):
            planes = base_channels * 2 ** i
            layer = self._make_res_layer(inplanes, planes, blocks, spatial_strides[i], temporal_strides[i],
                                         bool(inflate[i]))
            self.add_sublayer(f"layer{i + 1}", layer)
            self.res_layers.append(layer)
            inplanes = planes * Bottleneck3d.expansion
        self.feat_dim = inplanes
        if zero_init_residual:  # each residual branch starts as zero, so every block starts as identity
            for layer in self.res_layers:
                for block in layer:
                    nn.initializer.Constant(0.0)(block.conv3.bn.weight)

    @staticmethod
    def _make_res_layer(inplanes: int, planes: int, blocks: int, spatial_stride: int, temporal_stride: int,
                        inflate: bool) -> nn.Sequential:
        downsample = None  # mmaction2 0.x backbones/resnet3d_slowfast.py ResNet3dPathway.make_res_layer (no lateral)
        if spatial_stride != 1 or inplanes != planes * Bottleneck3d.expansion:
            downsample = ConvModule(inplanes, planes * Bottleneck3d.expansion, 1,
                                    stride=(temporal_stride, spatial_stride, spatial_stride), act=False)
        layers = [Bottleneck3d(inplanes, planes, spatial_stride, temporal_stride, inflate, downsample)]
        layers += [Bottleneck3d(planes * Bottleneck3d.expansion, planes, 1, 1, inflate) for _ in range(blocks - 1)]
        return nn.Sequential(*layers)

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        x = self.maxpool(self.conv1(x))
        for layer in self.res_layers:
            x = layer(x)
        return x
