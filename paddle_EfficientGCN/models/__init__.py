"""EfficientGCN-B0..B4 (models/efficientgcn.py) on the NTU graph (models/graph.py).

build_model, EfficientGCN and rescale_block are imported on first use, so that `models.graph` (numpy only: the
joint tables the data transforms use) can be imported without paddle, e.g. by infer.py on ONNX Runtime."""


def __getattr__(name):
    if name in ('EfficientGCN', 'build_model', 'rescale_block'):
        from models import efficientgcn
        return getattr(efficientgcn, name)
    raise AttributeError(f"module 'models' has no attribute {name!r}")
