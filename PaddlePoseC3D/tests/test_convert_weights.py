"""mmaction2/pyskl torch checkpoints convert (tools/convert_weights.py) and the seed's .pdparams naming loads
directly into our network; the converter's one-line errors and head-drop message."""
import numpy as np
import paddle
import pytest
import torch
from conftest import model_cfg

from models import build_model
from tools.convert_weights import convert
from utils.checkpoint import load_pretrained

CFG = model_cfg(num_classes=6, base_channels=4)


def torch_state(model):
    """The model's weights under mmaction2 names/layouts, with num_batches_tracked, as torch tensors."""
    out = {}
    for k, v in model.state_dict().items():
        v = v.numpy()
        if k == "cls_head.fc_cls.weight":
            v = v.T
        k = k.replace("._mean", ".running_mean").replace("._variance", ".running_var")
        out[k] = torch.from_numpy(np.ascontiguousarray(v))
        if k.endswith("running_var"):
            out[k.replace("running_var", "num_batches_tracked")] = torch.tensor(5)
    return out


def randomised():
    paddle.seed(1)
    model = build_model(CFG)
    model.set_state_dict({k: paddle.rand(v.shape) for k, v in model.state_dict().items()})
    return model


def test_mmaction_checkpoint_round_trip(tmp_path):
    src_model = randomised()
    torch.save({"state_dict": torch_state(src_model), "meta": {"epoch": 120}}, tmp_path / "ck.pth")
    convert(str(tmp_path / "ck.pth"), str(tmp_path / "ck.pdparams"))
    model = build_model(CFG)
    load_pretrained(model, str(tmp_path / "ck.pdparams"))
    for k, v in src_model.state_dict().items():
        np.testing.assert_array_equal(model.state_dict()[k].numpy(), v.numpy(), err_msg=k)


def test_seed_naming_and_head_reinit(tmp_path):
    """The seed port's names (`_conv`, `_batch_norm`) load through --pretrained as they are; a 6-class head in a
    101-class model is re-initialised for fine-tuning (train.py --pretrained) with a one-line warning naming both
    tensors and shapes."""
    src = randomised().state_dict()
    seed = {k.replace(".conv.", "._conv.").replace(".bn.", "._batch_norm."): v for k, v in src.items()}
    paddle.save(seed, str(tmp_path / "res3d.pdparams"))
    model = build_model(dict(CFG, num_classes=101))
    with pytest.warns(UserWarning) as rec:
        load_pretrained(model, str(tmp_path / "res3d.pdparams"), finetune=True)
    msg = str(rec[0].message)
    assert "cls_head.fc_cls.weight [64, 6] -> [64, 101]" in msg and "cls_head.fc_cls.bias [6] -> [101]" in msg
    assert "re-initialised" in msg and "\n" not in msg
    np.testing.assert_array_equal(model.state_dict()["backbone.conv1.conv.weight"].numpy(),
                                  src["backbone.conv1.conv.weight"].numpy())
    assert list(model.state_dict()["cls_head.fc_cls.weight"].shape) == [16 * 4, 101]


def test_other_model_is_a_user_error(tmp_path):
    from utils import UserError
    paddle.save(build_model(dict(CFG, base_channels=8)).state_dict(), str(tmp_path / "w.pdparams"))
    with pytest.raises(UserError, match="another model"):
        load_pretrained(build_model(CFG), str(tmp_path / "w.pdparams"))


def test_num_classes_drops_the_head(tmp_path, capsys):
    """--num_classes against a checkpoint of another class count: one line names the dropped tensors and why."""
    torch.save(torch_state(randomised()), tmp_path / "bare.pth")
    convert(str(tmp_path / "bare.pth"), str(tmp_path / "out.pdparams"), num_classes=101)
    assert not any(k.startswith("cls_head") for k in paddle.load(str(tmp_path / "out.pdparams")))
    line = [x for x in capsys.readouterr().out.splitlines() if x.startswith("dropped")]
    assert len(line) == 1
    assert "cls_head.fc_cls.weight [6, 64], cls_head.fc_cls.bias [6]" in line[0]  # as stored in the .pth
    assert "6 classes and --num_classes is 101" in line[0]


def test_another_class_count_is_refused_outside_fine_tuning(tmp_path):
    """test/predict/export/infer load weights strictly: a 6-class checkpoint under a 101-class config is an error
    naming both counts (issue 10: a random head would print confident predictions)."""
    from utils import UserError
    paddle.save(randomised().state_dict(), str(tmp_path / "w.pdparams"))
    with pytest.raises(UserError, match="has a 6-class classifier but the config has model.num_classes 101"):
        load_pretrained(build_model(dict(CFG, num_classes=101)), str(tmp_path / "w.pdparams"))
