"""Our own minimal PyTorch PoseC3D (mmaction2 0.x parameter names), loss and metrics, for alignment."""
from .model import build_torch_model, cross_entropy, mean_class_accuracy, top_k_accuracy  # noqa: F401
