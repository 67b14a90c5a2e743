"""TSN recognizer: a 2D backbone over every frame + segmental consensus head (MVFNet Recognizer2D)."""
import paddle
import paddle.nn as nn
import paddle.nn.functional as F

from .resnet import ResNet
from .tsn_head import TSNHead


class Recognizer2D(nn.Layer):
    """imgs (N, V*T, 3, H, W) -> per-view logits (N, V, classes); V = views (clips x crops)."""

    def __init__(self, backbone: ResNet, cls_head: TSNHead, num_segments: int, fcn_testing: bool = False):
        super().__init__()
        self.backbone = backbone
        self.cls_head = cls_head
        self.num_segments = num_segments
        self.fcn_testing = fcn_testing

    def forward(self, imgs: paddle.Tensor) -> paddle.Tensor:
        _, frames, c, h, w = imgs.shape
        views = frames // self.num_segments
        feat = self.backbone(imgs.reshape([-1, c, h, w]))
        scores = self.cls_head(feat, self.num_segments, self.fcn_testing and not self.training)
        return scores.reshape([-1, views, self.cls_head.num_classes])


def average_views(logits: paddle.Tensor) -> paddle.Tensor:
    """average_clips='prob': softmax per view, then the mean over views -> (N, classes)."""
    return F.softmax(logits, axis=-1).mean(axis=1)


class SoftmaxRecognizer(nn.Layer):
    """The exported graph: view-averaged probabilities."""

    def __init__(self, model: Recognizer2D):
        super().__init__()
        self.model = model

    def forward(self, imgs: paddle.Tensor) -> paddle.Tensor:
        return average_views(self.model(imgs))
