"""Our own minimal PyTorch/numpy reference of MVFNet (whwu95/MVFNet, commit 0ddc7e2): model, loss,
metrics and the rawframe data pipeline, with the official parameter names so its released
checkpoints load with strict=True. Each file names the official files and functions it follows.
The model and metric names are imported lazily, so `from torch_ref import pipeline` needs no torch."""
_LAZY = {"mean_class_accuracy": "metric", "top_k_accuracy": "metric", "MVF": "mvfnet", "ResNet": "mvfnet",
         "Recognizer2D": "mvfnet", "TSNClsHead": "mvfnet", "build_mvfnet": "mvfnet"}


def __getattr__(name):
    if name in _LAZY:
        import importlib
        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(name)
