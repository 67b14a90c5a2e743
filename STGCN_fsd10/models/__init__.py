"""ST-GCN: graph (graph.py), backbone blocks (stgcn.py), classifier head (head.py), recognizer (recognizer.py)."""
from .recognizer import RecognizerGCN, build_model

__all__ = ["RecognizerGCN", "build_model"]
