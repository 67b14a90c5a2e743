"""Activations named by the config's act_type (one shared instance per model, as the official code)."""
import paddle.nn as nn

ACTIVATIONS = {'relu': nn.ReLU, 'relu6': nn.ReLU6, 'hswish': nn.Hardswish, 'swish': nn.Swish}


def get_activation(act_type: str) -> nn.Layer:
    if act_type not in ACTIVATIONS:
        raise ValueError(f'unknown act_type {act_type!r}, choose one of {sorted(ACTIVATIONS)}')
    return ACTIVATIONS[act_type]()
