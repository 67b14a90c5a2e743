"""Paths and the shared fake setting of the four alignment steps (B0, config 2001 model, 48 frames, batch 4)."""
import os
import sys

ALIGN_DIR = os.path.dirname(os.path.abspath(__file__))
MODEL_DIR = os.path.abspath(os.path.join(ALIGN_DIR, '..', '..', 'paddle_EfficientGCN'))
DATA_DIR = os.path.join(ALIGN_DIR, 'step1_forward', 'data')
TORCH_CKPT = os.path.join(DATA_DIR, 'fake_torch.pth.tar')
PADDLE_PARAMS = os.path.join(DATA_DIR, 'fake_paddle.pdparams')
FAKE_X = os.path.join(DATA_DIR, 'fake_data.npy')
FAKE_Y = os.path.join(DATA_DIR, 'fake_label.npy')
NUM_FRAME, BATCH, NUM_CLASS = 48, 4, 60
LR, MOMENTUM, WEIGHT_DECAY, STEPS = 0.01, 0.9, 1e-4, 5

sys.path.insert(0, ALIGN_DIR)
sys.path.insert(0, MODEL_DIR)


def paddle_model():
    """The Paddle EfficientGCN-B0 of config 2001 at NUM_FRAME frames, with the converted fake weights."""
    import paddle
    import yaml
    from models import build_model
    with open(os.path.join(MODEL_DIR, 'configs', '2001.yaml')) as f:
        cfg = yaml.safe_load(f)
    cfg['data_shape'][2] = NUM_FRAME
    model = build_model(cfg)
    model.set_state_dict(paddle.load(PADDLE_PARAMS))
    model.eval()
    return model


def torch_model():
    import torch
    from torch_ref.egcn_torch import EfficientGCN
    model = EfficientGCN(NUM_CLASS)
    model.load_state_dict(torch.load(TORCH_CKPT, map_location='cpu', weights_only=False)['model'], strict=True)
    model.eval()
    return model


def check(name_ref: str, name_paddle: str, log: str, threshold: float = 1e-6) -> None:
    from reprod_log import ReprodDiffHelper
    helper = ReprodDiffHelper()
    ref = helper.load_info(name_ref)
    pd = helper.load_info(name_paddle)
    helper.compare_info(ref, pd)
    helper.report(diff_method='mean', diff_threshold=threshold, path=log)
