"""The one helper module of the MoveNet alignment: paths, builders for both sides, fake-batch loaders, and check().

Every output goes under OUT = $ALIGN_OUT (default: this folder): inputs and weights in OUT/data/, each step's
*_paddle.npy / *_torch.npy and its diff log in OUT/<step dir>/. Paddle-side scripts import MoveNet's own modules
(models, datasets, utils, tools); torch-side scripts import only torch_ref/ (this folder, on PYTHONPATH from
run_alignment.sh), never MoveNet, so the two sides share nothing but the files in OUT/data.

This is the only file of the alignment that touches sys.path: importing it makes the MoveNet folder importable."""
import json
import os
import sys
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.abspath(os.environ.get('ALIGN_OUT', HERE))
DATA = os.path.join(OUT, 'data')
MODEL_DIR = os.path.abspath(os.path.join(HERE, '..', '..', 'MoveNet'))
sys.path.insert(0, MODEL_DIR)  # MoveNet's packages (models, datasets, utils, tools) for the Paddle side
warnings.filterwarnings('ignore', message='No ccache found')  # paddle's harmless import-time warning

TORCH_WEIGHTS = os.path.join(DATA, 'movenet_random.pth')  # current form (ModuleList conv2), random, seeded
PADDLE_WEIGHTS = os.path.join(DATA, 'movenet_random.pdparams')  # ... converted by MoveNet/tools/convert_weights.py
TORCH_WEIGHTS_OLD = os.path.join(DATA, 'movenet_old_form.pth')  # old form (one shared conv2 applied n times)
PADDLE_WEIGHTS_OLD = os.path.join(DATA, 'movenet_old_form.pdparams')  # ... converted (shared block copied n times)

STEP0_ROOT = os.path.join(DATA, 'step0')  # a cropped-COCO dataset in the real format: imgs/ + val2017.json
STEP0_PARAMS = os.path.join(DATA, 'step0_params.json')  # the fixed random draws fed to both sides
STEP0_COCO = os.path.join(DATA, 'step0_coco')  # raw COCO person_keypoints json + images (crop tool input)
BATCH = 2
LR, MOMENTUM, STEPS = 2 ** -17, 0.875, 5  # exact in float32 (Paddle keeps lr/momentum as float32 attributes)


def paddle_side():
    """paddle on the CPU."""
    import paddle
    paddle.set_device('cpu')
    return paddle


def torch_side():
    """torch with one thread (torch_ref's data pipeline needs no torch: numpy/cv2, as the official data_tools.py)."""
    import torch
    torch.set_num_threads(1)
    return torch


def data(name: str) -> str:
    os.makedirs(DATA, exist_ok=True)
    return os.path.join(DATA, name)


def fake(name: str) -> np.ndarray:
    return np.load(data(f'{name}.npy'))


def step0_params() -> dict:
    with open(STEP0_PARAMS) as f:
        return json.load(f)


def step0_items() -> list:
    with open(os.path.join(STEP0_ROOT, 'val2017.json')) as f:
        return json.load(f)


def step0_array(name: str) -> np.ndarray:
    """Large fixed draws (pixel-jitter patterns) live in OUT/data/step0_<name>.npy, named in the params."""
    return np.load(data(f'step0_{name}.npy'))


def paddle_model(path: str = PADDLE_WEIGHTS, dtype: str = 'float32'):
    """MoveNet (Paddle) loaded through MoveNet/utils.load_weights (strict), eval mode."""
    paddle = paddle_side()
    from models import MoveNet
    from utils.checkpoint import load_weights
    if dtype != 'float32':
        paddle.set_default_dtype(dtype)
    model = MoveNet()
    load_weights(model, path, quiet=True)
    model.eval()
    return model


def torch_model(path: str = TORCH_WEIGHTS, old_form: bool = False):
    """torch_ref's MoveNet (old or current form), strict-loading an official-named state dict, eval mode."""
    torch = torch_side()
    from torch_ref.movenet import MoveNet
    model = MoveNet(old_form=old_form)
    model.load_state_dict(torch.load(path), strict=True)
    model.eval()
    return model


def flat_label(label: dict) -> np.ndarray:
    """A crop label dict as one float64 vector: keypoints (51), center (2), the number of other centres and their
    coordinates, then per joint the number of other keypoints and their coordinates (so a dropped point or a
    different order shows up as a difference)."""
    parts = [np.asarray(label['keypoints'], np.float64).ravel(), np.asarray(label['center'], np.float64).ravel(),
             [len(label['other_centers'])], np.asarray(label['other_centers'], np.float64).ravel()]
    for pts in label['other_keypoints']:
        parts += [[len(pts)], np.asarray(pts, np.float64).ravel()]
    return np.concatenate([np.asarray(p, np.float64).ravel() for p in parts])


def save(step: str, name: str, side: str, values: dict) -> None:
    """values -> OUT/<step>/<name>_<side>.npy in reprod_log's format: ReprodLogger.save is np.save of the
    {key: ndarray} dict. Written with numpy, since importing reprod_log pulls in paddle (~2 s, and paddle has no
    business in the torch-side processes); check() reads both files with reprod_log's ReprodDiffHelper."""
    np.save(os.path.join(step_dir(step), f'{name}_{side}.npy'), {k: np.asarray(v) for k, v in values.items()})


def step_dir(step: str) -> str:
    d = os.path.join(OUT, step)
    os.makedirs(d, exist_ok=True)
    return d


def check(step: str, name: str, log: str, threshold: float = 1e-6) -> None:
    """reprod_log's ReprodDiffHelper on OUT/<step>/<name>_paddle.npy and <name>_torch.npy: compare_info, then one
    report(diff_method='mean', diff_threshold) into OUT/<step>/<log> (the mean of |paddle - torch| per key; the log
    ends in `diff check passed` / `diff check failed`). Different key sets or shapes fail loudly (SystemExit)."""
    from reprod_log import ReprodDiffHelper
    d = step_dir(step)
    helper = ReprodDiffHelper()
    a = helper.load_info(os.path.join(d, f'{name}_paddle.npy'))
    b = helper.load_info(os.path.join(d, f'{name}_torch.npy'))
    if set(a) != set(b):
        raise SystemExit(f'{step}: keys differ, paddle only {sorted(set(a) - set(b))}, '
                         f'torch only {sorted(set(b) - set(a))}')
    bad = [k for k in a if np.shape(a[k]) != np.shape(b[k])]
    if bad:
        raise SystemExit(f'{step}: shapes differ for {bad}: {[(np.shape(a[k]), np.shape(b[k])) for k in bad]}')
    path = os.path.join(d, log)
    if os.path.exists(path):
        os.remove(path)  # reprod_log's logger appends
    # float64 first: reprod_log subtracts as stored (uint8 pixels would wrap around, bools would not subtract)
    helper.compare_info({k: np.asarray(v, np.float64) for k, v in a.items()},
                        {k: np.asarray(v, np.float64) for k, v in b.items()})
    helper.report(diff_method='mean', diff_threshold=threshold, path=path)
    worst = max(float(np.mean(np.abs(np.asarray(a[k], np.float64) - np.asarray(b[k], np.float64)))) for k in a)
    print(f'{step}: max of the per-key mean diffs {worst:.3g}, bound {threshold:g}')
