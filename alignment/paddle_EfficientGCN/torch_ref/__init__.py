"""Our own minimal PyTorch/numpy implementation of class-proxima/EfficientGCNv1 (model, loss, metric, data)."""
