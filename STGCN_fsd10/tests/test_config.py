"""The config contract (issue 12): every key in every config, unknown keys named with the closest valid one, types,
ranges and linked values checked when the config is loaded, the block table and temporal kernel from the config,
the class names a config selects, and the config saved beside checkpoints."""
import glob
import os

import pytest
import yaml
from conftest import LITE_CONFIG, ROOT, lite_config, load_script, quiet, user_error_line, write_config

from datasets.mini import CLASS_NAMES
from models import build_model
from utils.common import UserError
from utils.config import SCHEMA, class_names, config_beside, load_config, read_class_names, save_config


def raw_lite() -> dict:
    with open(LITE_CONFIG, encoding="utf-8") as f:
        return yaml.safe_load(f)


def keys(tree: dict, prefix: str = "") -> set:
    out = set()
    for key, value in tree.items():
        out |= keys(value, f"{prefix}{key}.") if isinstance(value, dict) and key != "lr_scheduler" else {prefix + key}
    return out


@pytest.mark.parametrize("path", sorted(glob.glob(os.path.join(ROOT, "configs", "*.yaml"))))
def test_every_shipped_config_loads_and_holds_every_key_once(path):
    with open(path, encoding="utf-8") as f:
        raw = yaml.safe_load(f)
    assert keys(raw) == keys(SCHEMA)
    cfg = load_config(path)
    assert len(class_names(cfg)) == cfg["model"]["num_classes"]


def bad_config(tmp_path, change) -> str:
    cfg = raw_lite()
    change(cfg)
    return write_config(tmp_path / "bad.yaml", cfg)


@pytest.mark.parametrize("change, words", [
    (lambda c: c["model"].update(in_chanels=c["model"].pop("in_channels")),
     "unknown key model.in_chanels (did you mean in_channels?)"),
    (lambda c: c["train"].pop("epochs"), "missing key train.epochs"),
    (lambda c: c["train"].update(epochs="ninety"), "train.epochs: expected int, got 'ninety'"),
    (lambda c: c["train"].update(batch_size=0), "train.batch_size: 0 is out of range, it must be >= 1"),
    (lambda c: c["train"].update(learning_rate=float("nan")), "train.learning_rate: nan is not a finite number"),
    (lambda c: c["model"].update(layout="coco"), "model.layout: 'coco' is not one of fsd10, ntu-rgb+d"),
    (lambda c: c["model"].update(temporal_kernel_size=8), "model.temporal_kernel_size: 8 must be odd"),
    (lambda c: c["model"].update(blocks=[[64, 1], [128]]), "model.blocks[1]: expected a list of 2 items"),
    (lambda c: c["data"].update(val_data_file="val_data.npy"), "data.val_data_file and data.val_label_file"),
    (lambda c: c["data"]["transforms"][1].update(SkeletonNorm={"axis": 3}),
     "SkeletonNorm keeps 3 channels but model.in_channels is 2"),
    (lambda c: c["data"]["transforms"].append("Flip"), "unknown transform 'Flip'"),
    (lambda c: c["model"].update(num_classes=6), "lists 5 classes but model.num_classes is 6"),
    (lambda c: c["data"].update(class_names="datasets/labels/none.txt"), "data.class_names: datasets/labels/none.txt"),
    (lambda c: c["train"].update(lr_scheduler={"name": "StepDecay"}), "train.lr_scheduler.name: 'StepDecay'"),
    (lambda c: c["train"].update(lr_scheduler={"name": "PiecewiseDecay", "boundaries": [30, 40],
                                               "multipliers": [1.0, 0.1]}), "one multiplier more than boundaries"),
])
def test_a_bad_config_is_one_line_naming_the_file_and_the_key(tmp_path, change, words):
    path = bad_config(tmp_path, change)
    with pytest.raises(UserError) as err:
        load_config(path)
    assert words in str(err.value) and path in str(err.value), str(err.value)


@pytest.mark.parametrize("text, words", [("", "got an empty file"), ("- 1\n- 2\n", "got list"),
                                         ("model: [unclosed\n", "is not valid YAML")])
def test_empty_list_or_broken_yaml(tmp_path, text, words):
    path = tmp_path / "x.yaml"
    path.write_text(text)
    with pytest.raises(UserError, match=words):
        load_config(str(path))


def test_a_flag_that_breaks_the_config_is_named(tiny_root, tmp_path, capsys):
    """--learning_rate nan is refused before anything is written (issue 10)."""
    line = user_error_line(load_script("train").main, [f"--config={LITE_CONFIG}", f"--dataset_root={tiny_root}",
                                                       "--learning_rate=nan", f"--save_dir={tmp_path / 'out'}"], capsys)
    assert "train.learning_rate: nan is not a finite number (set by --learning_rate)" in line
    assert not os.path.exists(tmp_path / "out")


def test_the_block_table_and_temporal_kernel_come_from_the_config():
    """PaddleVideo backbones/stgcn.py (= yysijie net/st_gcn.py) hard-code 10 blocks with a 9 x 1 temporal conv;
    here model.blocks and model.temporal_kernel_size build them, and the head takes the last block's width."""
    cfg = lite_config()["model"]
    official = build_model(cfg)
    assert [b.gcn.conv.weight.shape[0] // 3 for b in official.backbone.st_gcn_networks] == [b[0] for b in cfg["blocks"]]
    assert official.backbone.st_gcn_networks[4].tcn[2].weight.shape == [128, 128, 9, 1]
    small = build_model({**cfg, "blocks": [[32, 1], [48, 2]], "temporal_kernel_size": 5})
    assert len(small.backbone.st_gcn_networks) == 2 and len(small.backbone.edge_importance) == 2
    assert small.backbone.st_gcn_networks[1].tcn[2].weight.shape == [48, 48, 5, 1]
    assert small.backbone.st_gcn_networks[1].tcn[2]._stride == [2, 1]
    assert small.head.fcn.weight.shape == [5, 48, 1, 1]


def test_class_name_lists():
    """FSD-10 has 30 class ids (PaddleVideo docs/en/dataset/fsd.md: labels 0-29), NTU-60 60 actions (A001-A060,
    label = action number - 1), the mini data the 5 motions of datasets/mini.py."""
    assert len(read_class_names("datasets/labels/fsd10.txt")) == 30
    ntu = read_class_names("datasets/labels/ntu60.txt")
    assert len(ntu) == 60 and ntu[0] == "drink water" and ntu[59] == "walking apart from each other"
    assert read_class_names("datasets/labels/mini.txt") == CLASS_NAMES


def test_saved_config_is_found_beside_a_checkpoint_and_loads_the_same(tmp_path):
    cfg = lite_config()
    path = save_config(cfg, str(tmp_path))
    assert config_beside(str(tmp_path / "model.pdparams")) == path == config_beside(str(tmp_path))
    assert load_config(path) == cfg
    assert config_beside(str(tmp_path / "elsewhere" / "model.pdparams")) is None


def test_train_resume_and_scripts_use_the_checkpoint_config(tiny_root, tiny_config, tmp_path, capsys):
    """The resolved config (after flags) is saved into latest/ and best_model/; test.py with no --config reads it."""
    quiet(load_script("train").main, [f"--config={tiny_config}", f"--dataset_root={tiny_root}", "--device=cpu",
                                      f"--save_dir={tmp_path}", "--max_epochs=1", "--batch_size=4", "--window_size=6"])
    for sub in ("latest", "best_model"):
        saved = load_config(str(tmp_path / sub / "config.yaml"))
        assert saved["train"]["batch_size"] == 4 and saved["train"]["epochs"] == 1
        assert saved["data"]["transforms"][0]["AutoPadding"]["window_size"] == 6
    metrics = quiet(load_script("test").main, [f"--dataset_root={tiny_root}", "--device=cpu",
                                               f"--pretrained={tmp_path / 'best_model' / 'model.pdparams'}"])
    assert set(metrics) == {"top1", "top5", "mean_class_acc"}
    line = user_error_line(load_script("test").main, [f"--dataset_root={tiny_root}",
                                                      f"--pretrained={tmp_path / 'nowhere' / 'model.pdparams'}"], capsys)
    assert "not found (--pretrained)" in line
