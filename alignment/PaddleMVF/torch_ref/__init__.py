"""Minimal PyTorch reference of MVFNet's TSN ResNet-50 + MVF, loss and metrics (our own code,
official parameter names so MVFNet's released checkpoints load with strict=True)."""
from .mvfnet import MVF, ResNet, Recognizer2D, TSNClsHead, build_mvfnet
from .metric import mean_class_accuracy, top_k_accuracy
