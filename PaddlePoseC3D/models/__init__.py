"""PoseC3D network: SlowOnly ResNet3d backbone + I3D head, wrapped by Recognizer3D."""
from models.i3d_head import I3DHead
from models.recognizer3d import Recognizer3D, build_model
from models.resnet3d_slowonly import ResNet3dSlowOnly

__all__ = ["I3DHead", "Recognizer3D", "ResNet3dSlowOnly", "build_model"]
