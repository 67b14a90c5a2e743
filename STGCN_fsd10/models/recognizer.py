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
    """Build from the `model:` section of a config."""
    backbone = STGCN(in_channels=model_cfg.get("in_channels", 2), layout=model_cfg.get("layout", "fsd10"),
                     strategy=model_cfg.get("strategy", "spatial"),
                     edge_importance_weighting=model_cfg.get("edge_importance_weighting", True),
                     dropout=model_cfg.get("dropout", 0.0))
    return RecognizerGCN(backbone, STGCNHead(256, model_cfg.get("num_classes", 30)))
