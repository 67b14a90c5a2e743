"""Our own minimal PyTorch/numpy reference of MVFNet (whwu95/MVFNet, commit 0ddc7e2): model, loss,
metrics and the rawframe data pipeline, with the official parameter names so its released
checkpoints load with strict=True. Each file names the official files and functions it follows."""
from .metric import mean_class_accuracy, top_k_accuracy
from .mvfnet import MVF, ResNet, Recognizer2D, TSNClsHead, build_mvfnet
