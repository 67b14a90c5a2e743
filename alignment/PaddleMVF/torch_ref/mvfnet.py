"""MVFNet's Recognizer2D (ResNet-50 + MVF in layer3/4 + TSNClsHead) in plain PyTorch.

Our own code, written line by line from whwu95/MVFNet (commit 0ddc7e2):
  codes/models/modules/MVF.py            make_multi_view_fusion, MVF
  codes/models/common/se_module.py       HardSwish / HardSigmoid
  codes/models/backbones/resnet.py       Bottleneck, make_res_layer, ResNet ('pytorch' style, norm_eval=False)
  codes/models/heads/tsn_clshead.py      TSNClsHead (spatial_size=-1, avg consensus, fcn_testing)
  codes/models/heads/base.py             BaseHead (dropout None when the ratio is 0, plain CE loss)
  codes/models/recognizers/recognizer2d.py  Recognizer2D.forward_train / forward_test
State-dict keys are the official ones (backbone.conv1, backbone.bn1, backbone.layerX.Y.{conv1.net,
conv1.shift_conv, conv1.h_conv, conv1.w_conv, conv1.bn, conv2, conv3, bn1..3, downsample.0/1},
cls_head.new_fc): MVFNet's released R50_16x4.pth loads with strict=True. Running the official
classes on the same weights gives the same logits (alignment/PaddleMVF/README.md, "official code").
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class HardSwish(nn.Module):
    """se_module.py HardSwish: x * HardSigmoid(x), HardSigmoid = ReLU6(x + 3) / 6 (in that order)."""

    def forward(self, x):
        return x * (F.relu6(x + 3) / 6)


class MVF(nn.Module):
    """MVF.py MVF(net, n_segment, in_channels, alpha, use_hs=True, share=False, mode='THW')."""

    def __init__(self, net, n_segment, in_channels, alpha=0.125):
        super().__init__()
        self.net = net  # the wrapped conv1 of the bottleneck: key conv1.net.weight
        self.n_segment = n_segment
        c = int(in_channels * alpha)  # num_shift_channel
        self.split_sizes = [c, in_channels - c]
        # attribute order as in MVF.__init__ (shift_conv, bn, h_conv, w_conv); all depthwise, no bias
        self.shift_conv = nn.Conv3d(c, c, [3, 1, 1], stride=1, padding=[1, 0, 0], groups=c, bias=False)
        self.bn = nn.BatchNorm3d(c)
        self.activation = HardSwish()  # use_hs=True
        self.h_conv = nn.Conv3d(c, c, [1, 3, 1], stride=1, padding=[0, 1, 0], groups=c, bias=False)
        self.w_conv = nn.Conv3d(c, c, [1, 1, 3], stride=1, padding=[0, 0, 1], groups=c, bias=False)

    def forward(self, x):
        nt, c, h, w = x.size()
        n_batch = nt // self.n_segment
        x = x.view(n_batch, self.n_segment, c, h, w).transpose(1, 2)  # (n, c, t, h, w)
        x = list(x.split(self.split_sizes, dim=1))
        # mode 'THW', share=False: temporal + height + width depthwise 3-tap convs, summed
        x[0] = self.shift_conv(x[0]) + self.h_conv(x[0]) + self.w_conv(x[0])
        x[0] = self.activation(self.bn(x[0]))  # use_hs: BN then h-swish on the fused channels only
        x = torch.cat(x, dim=1)
        x = x.transpose(1, 2).contiguous().view(nt, c, h, w)
        return self.net(x)


class Bottleneck(nn.Module):
    """resnet.py Bottleneck, style='pytorch' (stride on the 3x3 conv2), norm names bn1..bn3."""
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, kernel_size=1, stride=1, bias=False)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=stride, padding=1, dilation=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * self.expansion, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * self.expansion)
        self.relu = nn.ReLU()
        self.downsample = downsample

    def forward(self, x):
        identity = x  # the un-fused input: MVF lives inside conv1
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.downsample is not None:
            identity = self.downsample(x)
        return self.relu(out + identity)


def make_res_layer(inplanes, planes, blocks, stride):
    """resnet.py make_res_layer: downsample = Sequential(Conv1x1 stride s, BN) on the first block."""
    downsample = None
    if stride != 1 or inplanes != planes * Bottleneck.expansion:
        downsample = nn.Sequential(
            nn.Conv2d(inplanes, planes * Bottleneck.expansion, kernel_size=1, stride=stride, bias=False),
            nn.BatchNorm2d(planes * Bottleneck.expansion))
    layers = [Bottleneck(inplanes, planes, stride, downsample)]
    for _ in range(1, blocks):
        layers.append(Bottleneck(planes * Bottleneck.expansion, planes, 1))
    return nn.Sequential(*layers)


class ResNet(nn.Module):
    """resnet.py ResNet(depth=50, out_indices=(3,), norm_eval=False) + MVF.py make_multi_view_fusion."""

    def __init__(self, n_segment, alpha=0.125, mvf_freq=(0, 0, 1, 1)):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)  # build_norm_layer(norm_cfg, 64, postfix=1) -> 'bn1'
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        inplanes = 64
        for i, (blocks, stride) in enumerate(zip((3, 4, 6, 3), (1, 2, 2, 2))):
            planes = 64 * 2 ** i
            layer = make_res_layer(inplanes, planes, blocks, stride)
            if mvf_freq[i]:
                # make_block_MVF with n_round=1: every block's conv1 -> MVF(conv1, n_segment, conv1.in_channels)
                for b in layer:
                    b.conv1 = MVF(b.conv1, n_segment, b.conv1.in_channels, alpha)
            setattr(self, f"layer{i + 1}", layer)
            inplanes = planes * Bottleneck.expansion

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))  # out_indices=(3,): layer4 only


class TSNClsHead(nn.Module):
    """tsn_clshead.py TSNClsHead(spatial_size=-1, spatial_type='avg', with_avg_pool=False,
    consensus avg over dim 1) with base.py BaseHead's dropout (None when dropout_ratio == 0)."""

    def __init__(self, num_classes, in_channels=2048, dropout=0.5):
        super().__init__()
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.dropout = nn.Dropout(p=dropout) if dropout != 0 else None
        self.Logits = nn.AdaptiveAvgPool2d((1, 1))
        self.new_fc = nn.Linear(in_channels, num_classes)

    def forward(self, x, num_seg):
        """fcn_testing=False: (N*T, C, h, w) -> (N, classes)."""
        x = self.Logits(x).unsqueeze(2)  # (N*T, C, 1, 1, 1)
        if self.dropout is not None:
            x = self.dropout(x)
        x = x.view(x.size(0), -1)
        cls_score = self.new_fc(x)
        cls_score = cls_score.reshape((-1, num_seg) + cls_score.shape[1:])
        return cls_score.mean(dim=1, keepdim=True).squeeze(1)  # SimpleConsensus('avg', dim=1)

    def forward_fcn(self, x):
        """fcn_testing=True: x (views, C, T, h, w); new_cls = Conv3d(C, classes, 1) holding new_fc's
        weight[..., None, None, None] and bias; class map averaged over (T, h, w)."""
        new_cls = nn.Conv3d(self.in_channels, self.num_classes, 1, 1, 0).to(x.device)
        new_cls.load_state_dict({"weight": self.new_fc.weight.unsqueeze(-1).unsqueeze(-1).unsqueeze(-1),
                                 "bias": self.new_fc.bias})
        return new_cls(x).mean([2, 3, 4])


class Recognizer2D(nn.Module):
    def __init__(self, num_classes, n_segment, dropout=0.5):
        super().__init__()
        self.n_segment = n_segment
        self.backbone = ResNet(n_segment)
        self.cls_head = TSNClsHead(num_classes, dropout=dropout)

    def forward_train(self, imgs):
        """recognizer2d.py forward_train without the loss: imgs (B, S, 3, H, W) -> (B, classes)."""
        num_batch = imgs.shape[0]
        imgs = imgs.reshape((-1, 3) + imgs.shape[3:])
        num_seg = imgs.shape[0] // num_batch
        return self.cls_head(self.backbone(imgs), num_seg)

    def loss(self, cls_score, labels):
        """base.py BaseHead.loss: plain F.cross_entropy (MVFNet has no label smoothing)."""
        return F.cross_entropy(cls_score, labels)

    def forward_test(self, imgs):
        """recognizer2d.py forward_test with module_cfg and fcn_testing=True, before average_clip:
        imgs (B, views*T, 3, H, W) -> per-view scores (B*views, classes)."""
        imgs = imgs.reshape((-1, 3) + imgs.shape[3:])
        x = self.backbone(imgs)
        x = x.reshape((-1, self.n_segment) + x.shape[1:]).transpose(1, 2)  # (views, C, T, h, w)
        return self.cls_head.forward_fcn(x)


def build_mvfnet(num_classes=101, n_segment=16, dropout=0.5):
    return Recognizer2D(num_classes, n_segment, dropout)
