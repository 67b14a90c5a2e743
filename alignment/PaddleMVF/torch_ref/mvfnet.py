"""MVFNet (Recognizer2D + ResNet-50 + MVF in layer3/4 + TSNClsHead) in plain PyTorch.

State-dict keys: backbone.conv1/bn1/layerX.Y.{conv1.net, conv1.shift_conv, conv1.h_conv, conv1.w_conv,
conv1.bn, conv2, bn1..3, downsample.0/1}, cls_head.new_fc.{weight,bias}: those of R50_16x4.pth.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class MVF(nn.Module):
    def __init__(self, net, n_segment, in_channels, alpha=0.125):
        super().__init__()
        self.net = net
        self.n_segment = n_segment
        c = int(in_channels * alpha)
        self.split_sizes = [c, in_channels - c]
        self.shift_conv = nn.Conv3d(c, c, (3, 1, 1), padding=(1, 0, 0), groups=c, bias=False)
        self.bn = nn.BatchNorm3d(c)
        self.h_conv = nn.Conv3d(c, c, (1, 3, 1), padding=(0, 1, 0), groups=c, bias=False)
        self.w_conv = nn.Conv3d(c, c, (1, 1, 3), padding=(0, 0, 1), groups=c, bias=False)

    def forward(self, x):
        nt, c, h, w = x.size()
        x = x.view(nt // self.n_segment, self.n_segment, c, h, w).transpose(1, 2)
        a, b = x.split(self.split_sizes, dim=1)
        a = self.shift_conv(a) + self.h_conv(a) + self.w_conv(a)
        a = F.hardswish(self.bn(a))
        x = torch.cat([a, b], dim=1).transpose(1, 2).contiguous().view(nt, c, h, w)
        return self.net(x)


class Bottleneck(nn.Module):
    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU()
        self.downsample = downsample

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        return self.relu(self.bn3(self.conv3(out)) + identity)


class ResNet(nn.Module):
    def __init__(self, n_segment, alpha=0.125, mvf_freq=(0, 0, 1, 1)):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU()
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        inplanes = 64
        for i, (n, stride) in enumerate(zip((3, 4, 6, 3), (1, 2, 2, 2))):
            planes = 64 * 2 ** i
            blocks = []
            for j in range(n):
                down = None
                if j == 0:
                    down = nn.Sequential(nn.Conv2d(inplanes, planes * 4, 1, stride, bias=False),
                                         nn.BatchNorm2d(planes * 4))
                blk = Bottleneck(inplanes, planes, stride if j == 0 else 1, down)
                if mvf_freq[i]:
                    blk.conv1 = MVF(blk.conv1, n_segment, inplanes, alpha)
                blocks.append(blk)
                inplanes = planes * 4
            setattr(self, f"layer{i + 1}", nn.Sequential(*blocks))

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        return self.layer4(self.layer3(self.layer2(self.layer1(x))))


class TSNClsHead(nn.Module):
    def __init__(self, num_classes, in_channels=2048, dropout=0.5):
        super().__init__()
        self.num_classes = num_classes
        self.dropout = nn.Dropout(dropout)
        self.new_fc = nn.Linear(in_channels, num_classes)

    def forward(self, x, num_seg):
        x = self.dropout(F.adaptive_avg_pool2d(x, 1).flatten(1))
        return self.new_fc(x).reshape(-1, num_seg, self.num_classes).mean(1)

    def forward_fcn(self, x):
        """x (views, C, T, h, w): new_fc as a 1x1x1 Conv3d, class map averaged over (T, h, w)."""
        w = self.new_fc.weight[:, :, None, None, None]
        return F.conv3d(x, w, self.new_fc.bias).mean([2, 3, 4])


class Recognizer2D(nn.Module):
    def __init__(self, num_classes, n_segment):
        super().__init__()
        self.n_segment = n_segment
        self.backbone = ResNet(n_segment)
        self.cls_head = TSNClsHead(num_classes)

    def forward_train(self, imgs):
        """imgs (N, T, 3, H, W) -> consensus scores (N, classes)."""
        feat = self.backbone(imgs.reshape((-1,) + imgs.shape[2:]))
        return self.cls_head(feat, self.n_segment)

    def forward_test(self, imgs):
        """imgs (N, V*T, 3, H, W) -> per-view fcn-testing scores (N*V, classes)."""
        feat = self.backbone(imgs.reshape((-1,) + imgs.shape[2:]))
        feat = feat.reshape((-1, self.n_segment) + feat.shape[1:]).transpose(1, 2)
        return self.cls_head.forward_fcn(feat)


def build_mvfnet(num_classes=101, n_segment=16):
    return Recognizer2D(num_classes, n_segment)
