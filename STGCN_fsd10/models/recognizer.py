"""RecognizerGCN = STGCN backbone + STGCNHead; parameter names `backbone.*` / `head.fcn.*` as PaddleVideo."""
from typing import Any, Dict

import paddle
import paddle.nn as nn
import paddle.nn.functional as F

from .head import STGCNHead
from .stgcn import STGCN


class RecognizerGCN(nn.Layer):
    def __init__(self, backbone: STGCN, head: STGCNHead, softmax: bool = False) -> None:
        super().__init__()
        self.backbone = backbone
        self.head = head
        self.softmax = softmax  # the exported model returns probabilities

    def forward(self, x: paddle.Tensor) -> paddle.Tensor:
        logits = self.head(self.backbone(x))
        return F.softmax(logits, axis=-1) if self.softmax else logits


def build_model(model_cfg: Dict[str, Any]) -> RecognizerGCN:
    """Build from the validated `model:` section of a config (utils/config.py SCHEMA)."""
    backbone = STGCN(in_channels=model_cfg["in_channels"], layout=model_cfg["layout"],
                     strategy=model_cfg["strategy"], edge_importance_weighting=model_cfg["edge_importance_weighting"],
                     dropout=model_cfg["dropout"], temporal_kernel_size=model_cfg["temporal_kernel_size"],
                     blocks=model_cfg["blocks"])
    return RecognizerGCN(backbone, STGCNHead(backbone.out_channels, model_cfg["num_classes"]))
