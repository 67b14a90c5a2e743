"""Seed-compat: MoveNet.Paddle's old name for `python export_model.py --onnx True` (same flags, same output)."""
from export_model import main_onnx

main_onnx()
