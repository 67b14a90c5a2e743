"""The pipeline, persons M and channels come from the config of the layout being reproduced (issue 9, wrong result 6).

Before: test/predict/infer always ran AutoPadding + SkeletonNorm centred on joint 8 (a shoulder in the NTU
layout) and export fixed M=1 from a key no config had.
"""
import os

import numpy as np
import paddle
import paddle.nn.functional as F
import pytest
from conftest import LITE_CONFIG, NTU_CONFIG, ROOT, load_script, quiet, write_ntu

from datasets.reader import requirements, validate_data
from datasets.transforms import AutoPadding, Iden, SkeletonNorm, build_transforms
from models import build_model
from utils.common import UserError
from utils.config import load_config
from utils.config_schema import ConfigError


def test_ntu_config_feeds_the_data_as_is():
    """PaddleVideo configs/recognition/stgcn/stgcn_ntucs.yaml PIPELINE.test is `- Iden:` (skeleton_pipeline.py
    Iden.__call__: astype float32, nothing else), and yysijie/st-gcn feeder/feeder.py Feeder.__getitem__ with
    window_size -1 (config/st_gcn/ntu-xsub/test.yaml) returns the sample unchanged."""
    cfg = load_config(NTU_CONFIG)
    pipeline = build_transforms(cfg)
    assert [type(t) for t in pipeline.transforms] == [Iden]
    x = np.random.RandomState(0).uniform(-1, 1, (3, 300, 25, 2))  # joint 8 is not zero, T = 300 > any window
    out = pipeline(x)
    assert out.dtype == np.float32 and out.shape == x.shape
    np.testing.assert_array_equal(out, x.astype(np.float32))
    assert cfg["data"]["num_person"] == 2 and requirements(cfg) == {"in_channels": 3, "num_person": 2, "exact_channels": True}


@pytest.mark.parametrize("name, window, legacy", [("stgcn_fsd10.yaml", 1000, False),
                                                  ("stgcn_fsd10_w350.yaml", 350, True),
                                                  ("stgcn_fsd10_lite.yaml", 8, False)])
def test_fsd_configs_keep_autopadding_and_skeleton_norm(name, window, legacy):
    """PaddleVideo configs/recognition/stgcn/stgcn_fsd.yaml PIPELINE: sample AutoPadding(window_size 350), then
    SkeletonNorm (axis 2); the w350 config is that one, with its linspace(0, T_valid, W) end point."""
    cfg = load_config(os.path.join(ROOT, "configs", name))
    pipeline = build_transforms(cfg)
    assert [type(t) for t in pipeline.transforms] == [AutoPadding, SkeletonNorm]
    assert pipeline.window_size == window and pipeline.transforms[0].legacy_endpoint is legacy
    assert pipeline.transforms[1].axis == 2 and pipeline.transforms[1].center_joint == 8
    assert cfg["data"]["num_person"] == 1


def test_config_without_transforms_or_with_unknown_ones_is_refused():
    with pytest.raises(ConfigError, match="expected the list of the official pipeline"):
        build_transforms({"data": {"transforms": []}})
    with pytest.raises(ConfigError, match="unknown transform 'Flip'"):
        build_transforms({"data": {"transforms": ["Flip"]}})
    with pytest.raises(ConfigError, match="bad arguments for AutoPadding"):
        build_transforms({"data": {"transforms": [{"AutoPadding": {"window": 3}}]}})
    with pytest.raises(UserError, match="has no AutoPadding"):
        load_config(NTU_CONFIG, {"data.transforms.AutoPadding.window_size": 100})


def test_data_of_another_person_count_or_channel_count_is_refused():
    data = np.ones((2, 3, 8, 25, 1), np.float32)
    with pytest.raises(UserError, match="M=1 persons per sample but the config says data.num_person: 2"):
        validate_data(data, "here", in_channels=3, num_person=2)
    with pytest.raises(UserError, match="has 3 channels but model.in_channels is 2"):
        validate_data(data, "here", in_channels=2, num_person=1, exact_channels=True)
    validate_data(data, "here", in_channels=2, num_person=1)  # FSD: SkeletonNorm keeps x, y of x, y, conf


@pytest.fixture(scope="module")
def ntu_setup(tmp_path_factory):
    """NTU files, a seeded random NTU-layout checkpoint and its export with configs/stgcn_ntu_xsub.yaml."""
    tmp = tmp_path_factory.mktemp("ntu")
    root = write_ntu(str(tmp / "data"))
    cfg = load_config(NTU_CONFIG)
    paddle.seed(4)
    model = build_model(cfg["model"])
    model.eval()
    ckpt = str(tmp / "ntu.pdparams")
    paddle.save(model.state_dict(), ckpt)
    quiet(load_script("export_model").main, [f"--config={NTU_CONFIG}", f"--model_path={ckpt}",
                                             f"--save_dir={tmp / 'inference'}"])
    return root, model, ckpt, tmp / "inference"


def test_predict_ntu_scores_the_raw_sample(ntu_setup):
    """predict.py with the NTU config: the model sees the sample as is (stgcn_ntucs.yaml Iden), not centred
    on joint 8 and padded to a window."""
    root, model, ckpt, _ = ntu_setup
    data = np.load(os.path.join(root, "xsub", "val_data.npy"))
    probs = quiet(load_script("predict").main, [f"--config={NTU_CONFIG}", f"--pretrained={ckpt}", "--device=cpu",
                                                f"--input_file={os.path.join(root, 'xsub', 'val_data.npy')}",
                                                f"--output={os.path.join(root, 'sub.csv')}"])
    with paddle.no_grad():
        ref = F.softmax(model(paddle.to_tensor(data)), axis=-1).numpy()
    np.testing.assert_allclose(probs, ref, atol=1e-6)


def test_test_script_ntu_uses_the_val_files(ntu_setup):
    """test.py --subset val with the NTU config scores xsub/val_data.npy + val_label.pkl (as yysijie
    config/st_gcn/ntu-xsub/test.yaml and PaddleVideo stgcn_ntucs.yaml DATASET.test)."""
    root, model, ckpt, _ = ntu_setup
    metrics = quiet(load_script("test").main, [f"--config={NTU_CONFIG}", f"--dataset_root={root}", f"--pretrained={ckpt}",
                                        "--device=cpu", f"--save_dir={os.path.join(root, 'eval')}"])
    import pickle
    with open(os.path.join(root, "xsub", "val_label.pkl"), "rb") as f:
        labels = np.array(pickle.load(f)[1])
    with paddle.no_grad():
        pred = model(paddle.to_tensor(np.load(os.path.join(root, "xsub", "val_data.npy")))).numpy().argmax(1)
    assert metrics["top1"] == pytest.approx(float((pred == labels).mean()))


def test_export_takes_persons_from_the_config(ntu_setup):
    """PaddleVideo tools/export_model.py: InputSpec [None, num_channels, window, vertex_nums, person_nums]; the
    NTU export takes M=2 from data.num_person and returns one row per sample (with M=1 it returned one per
    person)."""
    root, model, _, model_dir = ntu_setup
    info = load_config(str(model_dir / "config.yaml"))
    assert info["data"]["num_person"] == 2 and info["data"]["transforms"] == ["Iden"]
    from paddle import inference
    config = inference.Config(str(model_dir / "model.json"), str(model_dir / "model.pdiparams"))
    config.disable_gpu()
    config.disable_mkldnn()
    predictor = inference.create_predictor(config)
    x = np.load(os.path.join(root, "xsub", "val_data.npy"))
    handle = predictor.get_input_handle(predictor.get_input_names()[0])
    handle.reshape(x.shape)
    handle.copy_from_cpu(x)
    predictor.run()
    out = predictor.get_output_handle(predictor.get_output_names()[0]).copy_to_cpu()
    assert out.shape == (len(x), 60)
    with paddle.no_grad():
        ref = F.softmax(model(paddle.to_tensor(x)), axis=-1).numpy()
    assert np.abs(out - ref).max() < 1e-5


def test_infer_uses_the_exported_pipeline_and_refuses_another_m(ntu_setup, tiny_root, capsys):
    root, model, _, model_dir = ntu_setup
    infer = load_script("infer").main
    infer([f"--model_dir={model_dir}", f"--input_file={os.path.join(root, 'xsub', 'val_data.npy')}",
           "--enable_mkldnn=False"])
    out = capsys.readouterr().out
    assert out.count("\ttop-1 class: ") == 4 and "\ttop-1 class name: " in out
    with pytest.raises(UserError, match="M=1 persons per sample but the config says data.num_person: 2"):
        infer([f"--model_dir={model_dir}", f"--input_file={os.path.join(tiny_root, 'test_A_data.npy')}"])
    with pytest.raises(UserError, match="the config has C=2, M=1 but the exported model takes C=3, M=2"):
        infer([f"--model_dir={model_dir}", f"--config={LITE_CONFIG}",
               f"--input_file={os.path.join(tiny_root, 'test_A_data.npy')}"])
