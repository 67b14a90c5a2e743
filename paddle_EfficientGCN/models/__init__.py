from models.efficientgcn import EfficientGCN, build_model, rescale_block  # noqa: F401
