"""The config contract (issue 12): every shipped config passes the schema and its links; an unknown key (with the
closest valid one), a missing key, a wrong type or range, an unlinked pair, an empty/list/unparsable file are one
UserError naming the file and the key; the resolved config is saved beside checkpoints and exports."""
import os

import pytest
import yaml
from conftest import LITE, ROOT, UCF, write_config

from utils import UserError
from utils.config import SCHEMA, class_names, config_beside, load_config, resolve_config, save_config

CONFIGS = sorted(os.path.join(ROOT, "configs", f) for f in os.listdir(os.path.join(ROOT, "configs")))


@pytest.mark.parametrize("path", CONFIGS, ids=os.path.basename)
def test_every_shipped_config_is_valid_and_complete(path):
    cfg = load_config(path)
    with open(path, encoding="utf-8") as f:
        raw = yaml.safe_load(f)
    assert {s: set(raw[s]) for s in raw} == {s: set(SCHEMA[s]) for s in SCHEMA}  # every key, nothing else
    assert len(class_names(cfg)) == cfg["model"]["num_classes"]


def test_class_lists_ship_with_the_folder():
    """UCF-101 in classInd.txt order (label = line - 1), NTU-60 actions A1-A60, the mini pkl's 4 classes."""
    ucf = class_names(load_config(UCF))
    assert len(ucf) == 101 and ucf[:3] == ["ApplyEyeMakeup", "ApplyLipstick", "Archery"] and ucf[-1] == "YoYo"
    assert ucf[36] == "HandstandPushups" and ucf[100] == "YoYo"
    ntu = class_names(load_config("configs/posec3d_r50_ntu60_xsub_limb.yaml"))
    assert len(ntu) == 60 and ntu[0] == "drink water" and ntu[59] == "walking apart from each other"
    assert class_names(load_config(LITE)) == ["arms_up", "arms_sideways", "wave_right", "squat"]


def _bad(tmp_path, **sections):
    return write_config(tmp_path / "bad.yaml", **sections)


@pytest.mark.parametrize("sections,match", [
    ({"model": {"in_chanels": 17}}, "unknown key model.in_chanels (did you mean in_channels?)"),
    ({"train": {"max_epochs": "twelve"}}, "train.max_epochs: expected int, got 'twelve'"),
    ({"train": {"batch_size": 0}}, "train.batch_size: 0 is out of range, it must be >= 1"),
    ({"train": {"base_lr": float("nan")}}, "train.base_lr: nan is not a finite number"),
    ({"data": {"clip_len": -16}}, "data.clip_len: -16 is out of range"),
    ({"train": {"lr_policy": "cosin"}}, "'cosin' is not one of step, cosine (did you mean cosine?)"),
    ({"model": {"in_channels": 34}}, "model.in_channels: 34 but the data section draws 17 heatmaps"),
    ({"data": {"with_kp": False}}, "data.with_kp and data.with_limb are both false"),
    ({"model": {"num_classes": 5}}, "lists 4 classes but model.num_classes is 5"),
    ({"model": {"inflate": [0, 1]}}, "one entry per stage"),
    ({"train": {"lr_policy": "cosine"}}, "train.milestones: [9, 11] with train.lr_policy cosine"),
    ({"data": {"class_names": "datasets/labels/nope.txt"}}, "data.class_names: datasets/labels/nope.txt not found"),
    ({"data": {"left_kp": [1, 3], "right_kp": [3, 4]}}, "not disjoint pairs"),
])
def test_config_mistakes_are_one_line_naming_the_key(tmp_path, sections, match):
    path = _bad(tmp_path, **sections)
    with pytest.raises(UserError) as err:
        load_config(path)
    assert match in str(err.value) and path in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize("text,match", [
    ("", "expected a mapping of keys, got an empty file"),
    ("- 1\n- 2\n", "expected a mapping of keys, got list"),
    ("model: [\n", "is not valid YAML"),
])
def test_empty_list_and_unparsable_files(tmp_path, text, match):
    (tmp_path / "c.yaml").write_text(text)
    with pytest.raises(UserError, match=match):
        load_config(str(tmp_path / "c.yaml"))


def test_missing_key_and_flag_overrides(tmp_path):
    with open(LITE, encoding="utf-8") as f:
        cfg = yaml.safe_load(f)
    del cfg["data"]["with_kp"]  # a hidden key of the seed (read with a default), now required
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(cfg))
    with pytest.raises(UserError, match="missing key data.with_kp"):
        load_config(str(tmp_path / "c.yaml"))
    assert load_config(LITE, {"train.batch_size": 3, "train.max_epochs": None})["train"]["batch_size"] == 3
    with pytest.raises(UserError, match=r"train.learning_rate: nan is not a finite number \(set by the flag "
                                        r"--learning_rate nan\)"):
        load_config(LITE, {"train.learning_rate": float("nan")})


def test_saved_config_is_yaml_text_and_found_beside_weights(tmp_path):
    cfg = load_config(LITE)
    path = save_config(cfg, str(tmp_path / "best_model"))
    assert open(path, encoding="utf-8").read().startswith("model:\n")  # text, not a pickle
    weights = tmp_path / "best_model" / "model.pdparams"
    assert config_beside(str(weights)) == path and config_beside(str(tmp_path / "best_model")) == path
    assert load_config(path) == cfg
    assert resolve_config(None, str(weights), "--pretrained") == path
    assert resolve_config(LITE, str(weights), "--pretrained") == LITE  # --config overrides
    with pytest.raises(UserError, match="no config, --pretrained .* has no config.yaml beside it"):
        resolve_config(None, str(tmp_path / "elsewhere" / "model.pdparams"), "--pretrained")
