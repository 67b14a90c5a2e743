"""Model construction from the ``model`` section of a config."""
from .mvf import MVF
from .recognizer import Recognizer2D, SoftmaxRecognizer, average_views
from .resnet import ResNet
from .tsn_head import TSNHead

__all__ = ["MVF", "Recognizer2D", "ResNet", "SoftmaxRecognizer", "TSNHead", "average_views", "build_model"]


def build_model(cfg: dict) -> Recognizer2D:
    """The recognizer of a config's model section (every key read; utils/config.py checks them)."""
    backbone = ResNet(cfg["depth"], cfg["num_segments"], cfg["alpha"], cfg["mvf_freq"], cfg["use_hs"],
                      cfg["share"], cfg["mode"])
    head = TSNHead(cfg["num_classes"], 2048, cfg["dropout"], cfg["init_std"])
    return Recognizer2D(backbone, head, cfg["num_segments"], cfg["fcn_testing"])
