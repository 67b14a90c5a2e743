"""Our own minimal PyTorch PoseC3D network (Recognizer3D = ResNet3dSlowOnly + I3DHead), written line by line from
mmaction2 0.x (branch 0.x, commit 71a938ab):
  mmaction/models/backbones/resnet3d.py          ResNet3d, Bottleneck3d, mmcv ConvModule usage
  mmaction/models/backbones/resnet3d_slowfast.py ResNet3dPathway.make_res_layer (lateral=False)
  mmaction/models/backbones/resnet3d_slowonly.py ResNet3dSlowOnly defaults
  mmaction/models/heads/i3d_head.py              I3DHead
  mmaction/models/recognizers/{base,recognizer3d}.py  forward, average_clip('prob')
Module names are the official ones (backbone.conv1.conv, backbone.layer1.0.conv1.bn, ..., cls_head.fc_cls), so an
official checkpoint loads with strict=True. Only what the PoseC3D configs use is kept (style 'pytorch',
inflate_style '3x1x1', dilation 1, no non-local, no lateral, no pool2)."""
from __future__ import annotations

import torch
from torch import nn

# resnet3d.py ResNet3d.arch_settings (Bottleneck3d, expansion 4): depth -> blocks per stage
ARCH_SETTINGS = {50: (3, 4, 6, 3), 101: (3, 4, 23, 3), 152: (3, 8, 36, 3)}


class ConvModule(nn.Module):
    """mmcv.cnn.ConvModule(conv_cfg=Conv3d, norm_cfg=BN3d, act_cfg=ReLU or None, bias=False): conv -> bn ->
    activate (order ('conv', 'norm', 'act')); the BN3d child is named `bn`, the activation `activate`."""

    def __init__(self, cin, cout, kernel, stride=1, padding=0, act=True):
        super().__init__()
        self.conv = nn.Conv3d(cin, cout, kernel, stride, padding, bias=False)  # bias=False in every ResNet3d conv
        self.bn = nn.BatchNorm3d(cout)  # BN3d: eps 1e-5, momentum 0.1 (torch defaults, mmcv passes none)
        self.activate = nn.ReLU(inplace=True) if act else None  # act_cfg=dict(type='ReLU', inplace=True)

    def forward(self, x):
        x = self.bn(self.conv(x))
        return self.activate(x) if self.activate is not None else x


class Bottleneck3d(nn.Module):
    """resnet3d.py Bottleneck3d, style 'pytorch' (the stride sits in conv2), inflate_style '3x1x1'."""
    expansion = 4

    def __init__(self, inplanes, planes, spatial_stride=1, temporal_stride=1, downsample=None, inflate=True):
        super().__init__()
        # style == 'pytorch': conv1 stride 1, conv2 stride (temporal_stride, spatial_stride, spatial_stride)
        if inflate:  # '3x1x1': conv1 (3,1,1) pad (1,0,0); conv2 (1,3,3) pad (0,1,1)
            k1, p1 = (3, 1, 1), (1, 0, 0)
        else:  # not inflated: conv1 1x1x1; conv2 (1,3,3) pad (0,1,1)
            k1, p1 = (1, 1, 1), (0, 0, 0)
        self.conv1 = ConvModule(inplanes, planes, k1, 1, p1)
        self.conv2 = ConvModule(planes, planes, (1, 3, 3), (temporal_stride, spatial_stride, spatial_stride), (0, 1, 1))
        self.conv3 = ConvModule(planes, planes * self.expansion, 1, act=False)  # "No activation in the third"
        self.downsample = downsample
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        identity = x  # Bottleneck3d.forward._inner_forward
        out = self.conv3(self.conv2(self.conv1(x)))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


class ResNet3dSlowOnly(nn.Module):
    """resnet3d_slowonly.py ResNet3dSlowOnly (-> ResNet3dPathway -> ResNet3d) with the PoseC3D config values:
    conv1_kernel (1,7,7), conv1_stride_s 1, conv1_stride_t 1, pool1_stride_s 1, pool1_stride_t 1, with_pool2 False,
    num_stages 3, out_indices (2,), inflate (0,1,1), spatial_strides (2,2,2), temporal_strides (1,1,2)."""

    def __init__(self, depth=50, in_channels=17, base_channels=32, num_stages=3, stage_blocks=None,
                 spatial_strides=(2, 2, 2), temporal_strides=(1, 1, 2), inflate=(0, 1, 1), conv1_kernel=(1, 7, 7),
                 conv1_stride_s=1, pool1_stride_s=1, conv1_stride_t=1, pool1_stride_t=1):
        super().__init__()
        # ResNet3d.__init__: stage_blocks given (limb configs: (4, 6, 3)) or arch_settings[depth][:num_stages]
        self.stage_blocks = tuple(stage_blocks) if stage_blocks is not None else ARCH_SETTINGS[depth][:num_stages]
        assert len(self.stage_blocks) == num_stages
        # ResNet3d._make_stem_layer: ConvModule with padding (k - 1) // 2, then MaxPool3d (1,3,3) pad (0,1,1)
        self.conv1 = ConvModule(in_channels, base_channels, conv1_kernel, (conv1_stride_t, conv1_stride_s,
                                conv1_stride_s), tuple((k - 1) // 2 for k in conv1_kernel))
        self.maxpool = nn.MaxPool3d((1, 3, 3), (pool1_stride_t, pool1_stride_s, pool1_stride_s), (0, 1, 1))
        self.res_layers = []
        inplanes = base_channels
        for i, num_blocks in enumerate(self.stage_blocks):
            planes = base_channels * 2 ** i
            layer = self.make_res_layer(inplanes, planes, num_blocks, spatial_strides[i], temporal_strides[i],
                                        inflate[i])
            inplanes = planes * Bottleneck3d.expansion
            self.add_module(f"layer{i + 1}", layer)
            self.res_layers.append(f"layer{i + 1}")
        self.feat_dim = Bottleneck3d.expansion * base_channels * 2 ** (len(self.stage_blocks) - 1)

    @staticmethod
    def make_res_layer(inplanes, planes, blocks, spatial_stride, temporal_stride, inflate):
        """resnet3d_slowfast.py ResNet3dPathway.make_res_layer with lateral=False: a downsample ConvModule 1x1x1
        (stride (t, s, s), no activation) when spatial_stride != 1 or the channels change; the first block
        carries the strides; `inflate` (an int) applies to every block of the stage."""
        downsample = None
        if spatial_stride != 1 or inplanes != planes * Bottleneck3d.expansion:
            downsample = ConvModule(inplanes, planes * Bottleneck3d.expansion, 1,
                                    (temporal_stride, spatial_stride, spatial_stride), act=False)
        layers = [Bottleneck3d(inplanes, planes, spatial_stride, temporal_stride, downsample, inflate == 1)]
        for _ in range(1, blocks):
            layers.append(Bottleneck3d(planes * Bottleneck3d.expansion, planes, 1, 1, None, inflate == 1))
        return nn.Sequential(*layers)

    def init_weights(self):
        """ResNet3d._init_weights with pretrained=None: kaiming_init (normal, fan_out, relu, bias 0) on Conv3d,
        constant 1/0 on BN, then zero_init_residual: conv3.bn of every Bottleneck3d to 0."""
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm3d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        for m in self.modules():
            if isinstance(m, Bottleneck3d):
                nn.init.constant_(m.conv3.bn.weight, 0)
                nn.init.constant_(m.conv3.bn.bias, 0)

    def forward(self, x):
        x = self.maxpool(self.conv1(x))  # with_pool1=True
        for name in self.res_layers:  # with_pool2=False; out_indices=(2,) -> the last stage only
            x = getattr(self, name)(x)
        return x


class I3DHead(nn.Module):
    """heads/i3d_head.py I3DHead(spatial_type='avg'): AdaptiveAvgPool3d((1,1,1)) -> Dropout (None when the ratio is
    0) -> view(N, -1) -> fc_cls; init normal std 0.01, bias 0 (mmcv normal_init)."""

    def __init__(self, num_classes, in_channels=512, dropout_ratio=0.5, init_std=0.01):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout_ratio) if dropout_ratio != 0 else None
        self.fc_cls = nn.Linear(in_channels, num_classes)
        self.avg_pool = nn.AdaptiveAvgPool3d((1, 1, 1))
        self.init_std = init_std

    def init_weights(self):
        nn.init.normal_(self.fc_cls.weight, 0, self.init_std)
        nn.init.constant_(self.fc_cls.bias, 0)

    def forward(self, x):
        x = self.avg_pool(x)
        if self.dropout is not None:
            x = self.dropout(x)
        return self.fc_cls(x.view(x.shape[0], -1))


class Recognizer3D(nn.Module):
    """recognizers/recognizer3d.py: imgs [N, views, C, T, H, W] are flattened to [N*views, ...] (forward_train /
    _do_test); forward() here takes the flattened [views, C, T, H, W] and returns the class scores."""

    def __init__(self, num_classes, depth=50, base_channels=32, stage_blocks=None, in_channels=17,
                 dropout_ratio=0.5):
        super().__init__()
        self.backbone = ResNet3dSlowOnly(depth, in_channels, base_channels, stage_blocks=stage_blocks)
        self.cls_head = I3DHead(num_classes, self.backbone.feat_dim, dropout_ratio)

    def init_weights(self):
        self.backbone.init_weights()
        self.cls_head.init_weights()

    def forward(self, x):
        return self.cls_head(self.backbone(x))


def average_clip(cls_score: torch.Tensor, num_segs: int) -> torch.Tensor:
    """recognizers/base.py BaseRecognizer.average_clip with test_cfg average_clips='prob': softmax over classes
    (dim 2 of [N, num_segs, C]), then the mean over the views of each video."""
    cls_score = cls_score.view(cls_score.shape[0] // num_segs, num_segs, -1)
    return torch.softmax(cls_score, dim=2).mean(dim=1)


def build_torch_model(num_classes: int = 101, depth: int = 50, base: int = 32, stage_blocks=None,
                      dropout_ratio: float = 0.5) -> Recognizer3D:
    model = Recognizer3D(num_classes, depth, base, stage_blocks, dropout_ratio=dropout_ratio)
    model.init_weights()
    return model
