"""Our own minimal reference of the official PoseC3D (mmaction2 0.x): model.py (torch, official parameter names),
metrics.py (loss and metrics), pipeline.py (the data pipeline, numpy). The torch parts load lazily so the
pipeline and the metrics run without importing torch."""
from .metrics import mean_class_accuracy, top_k_accuracy  # noqa: F401


def __getattr__(name):
    if name in ("build_torch_model", "average_clip", "Recognizer3D"):
        from . import model
        return getattr(model, name)
    if name == "cross_entropy":
        from .metrics import cross_entropy
        return cross_entropy
    raise AttributeError(name)
