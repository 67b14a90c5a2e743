"""Model construction from the ``model`` section of a config."""
from .mvf import MVF
from .recognizer import Recognizer2D, SoftmaxRecognizer, average_views, predict_scores
from .resnet import ResNet
from .tsn_head import TSNHead

__all__ = ["MVF", "Recognizer2D", "ResNet", "SoftmaxRecognizer", "TSNHead", "average_views", "build_model",
           "predict_scores"]


def build_model(cfg: dict) -> Recognizer2D:
    backbone = ResNet(cfg.get("depth", 50), cfg["num_segments"], cfg.get("alpha", 0.125),
                      cfg.get("mvf_freq", (0, 0, 1, 1)), cfg.get("use_hs", True),
                      cfg.get("share", False), cfg.get("mode", "THW"))
    head = TSNHead(cfg["num_classes"], 2048, cfg.get("dropout", 0.5), cfg.get("init_std", 0.01))
    return Recognizer2D(backbone, head, cfg["num_segments"], cfg.get("fcn_testing", True))
