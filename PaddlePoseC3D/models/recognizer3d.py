"""Recognizer3D: backbone + head on [N, 17, T, H, W] heatmap volumes; test-time view averaging of probabilities."""
from __future__ import annotations

import paddle
import paddle.nn.functional as F
from paddle import nn

from models.i3d_head import I3DHead
from models.resnet3d_slowonly import ResNet3dSlowOnly


class Recognizer3D(nn.Layer):
    def __init__(self, backbone: ResNet3dSlowOnly, cls_head: I3DHead) -> None:
        super().__init__()
        self.backbone = backbone
        self.cls_head = cls_head

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        """x: [N, C, T, H, W] views -> logits [N, num_classes]."""
        return self.cls_head(self.backbone(x))


def average_views(logits: paddle.Tensor, num_views: int) -> paddle.Tensor:
    """average_clips='prob': softmax per view, then the mean over the views of each video."""
    probs = F.softmax(logits, axis=-1)
    return probs.reshape([-1, num_views, probs.shape[-1]]).mean(axis=1)


def build_model(cfg: dict) -> Recognizer3D:
    """cfg: the `model` section of a config (utils/config.py SCHEMA: every key present), as mmaction2 0.x
    Recognizer3D(backbone=ResNet3dSlowOnly(...), cls_head=I3DHead(...)); num_stages = len(spatial_strides)."""
    backbone = ResNet3dSlowOnly(depth=cfg["depth"], in_channels=cfg["in_channels"], base_channels=cfg["base_channels"],
                                num_stages=len(cfg["spatial_strides"]), spatial_strides=cfg["spatial_strides"],
                                temporal_strides=cfg["temporal_strides"], inflate=cfg["inflate"],
                                conv1_kernel=cfg["conv1_kernel"], stage_blocks=cfg["stage_blocks"])
    head = I3DHead(cfg["num_classes"], backbone.feat_dim, dropout_ratio=cfg["dropout"], init_std=cfg["init_std"],
                   fc_lr_mult=cfg["fc_lr_mult"])
    return Recognizer3D(backbone, head)
