"""tools/convert_weights.py: a yysijie-named torch state dict (net/st_gcn.py Model) maps onto the Paddle
model's PaddleVideo names (backbones/stgcn.py, heads/stgcn_head.py) exactly."""
import numpy as np
import paddle
import pytest
from conftest import model_cfg

from models import build_model
from tools import convert_weights
from tools.convert_weights import convert

torch = pytest.importorskip("torch")


def yysijie_names(paddle_state: dict) -> dict:
    """Our Paddle state dict renamed the way st-gcn's torch Model names it (the converter's inverse)."""
    out = {}
    for key, value in paddle_state.items():
        key = key.replace("backbone.", "", 1).replace("head.", "", 1)
        key = key.replace("._mean", ".running_mean").replace("._variance", ".running_var")
        out[key] = torch.from_numpy(value.numpy().copy())
        if key.endswith("running_var"):
            out[key.replace("running_var", "num_batches_tracked")] = torch.tensor(7)
    return out


def test_convert_roundtrip(tmp_path):
    paddle.seed(5)
    model = build_model(model_cfg(in_channels=3, num_classes=60, layout="ntu-rgb+d"))
    src = yysijie_names(model.state_dict())
    assert "st_gcn_networks.0.tcn.0.running_mean" in src and "edge_importance.3" in src and "fcn.weight" in src
    torch.save({"state_dict": src}, tmp_path / "st_gcn.ntu.pth")
    convert_weights.main([f"--src={tmp_path / 'st_gcn.ntu.pth'}", f"--dst={tmp_path / 'ntu.pdparams'}"])
    converted = paddle.load(str(tmp_path / "ntu.pdparams"))
    expected = model.state_dict()
    assert converted.keys() == expected.keys()
    for key in expected:
        np.testing.assert_array_equal(converted[key].numpy(), expected[key].numpy())


def test_convert_drops_other_head_and_reports_unmapped():
    state = {"fcn.weight": np.zeros((60, 256, 1, 1)), "fcn.bias": np.zeros(60), "A": np.zeros((3, 25, 25)),
             "extra.weight": np.zeros(1)}
    out, unmapped = convert(state, num_classes=30)
    assert list(out) == ["backbone.A"] and unmapped == ["extra.weight"]
