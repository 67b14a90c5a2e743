"""The one helper module of the paddle_EfficientGCN alignment: paths, sizes, model builders for both sides, the
fake-batch loaders and check(). Every script imports it first.

All outputs go under OUT = $ALIGN_OUT (default: this folder): inputs and weights in OUT/data/, each step's
*_paddle.npy / *_torch.npy and its diff log in OUT/<step dir>/. Paddle side: ../../paddle_EfficientGCN (the code
train/test use); torch side: torch_ref/ (our own PyTorch/numpy implementation of class-proxima/EfficientGCNv1).
"""
import os
import sys
from types import SimpleNamespace

HERE = os.path.dirname(os.path.abspath(__file__))
FOLDER = os.path.normpath(os.path.join(HERE, '..', '..', 'paddle_EfficientGCN'))
OUT = os.environ.get('ALIGN_OUT', HERE)
DATA = os.path.join(OUT, 'data')
sys.path.insert(0, FOLDER)  # the Paddle folder's packages (models, datasets, utils, tools)
sys.path.insert(0, HERE)    # torch_ref (the runner's PYTHONPATH has it too; kept for use outside the runner)

# steps 1-5: the B0 of config 2001 (NTU-60: 60 classes) on a fake JVB batch [N, 3, 6, T, 25, 2]
NUM_CLASS, BATCH, NUM_FRAME = 60, 4, 16
LR, MOMENTUM, WEIGHT_DECAY, STEPS = 0.003, 0.9, 1e-4, 5  # SGD nesterov as configs/2001.yaml, a smaller lr (README)
TORCH_WEIGHTS = os.path.join(DATA, 'fake_torch.pth.tar')     # {'model': state_dict, ...} like the official
PADDLE_WEIGHTS = os.path.join(DATA, 'fake_paddle.pdparams')  # converted by tools/convert_weights.py
FAKE_DATA = os.path.join(DATA, 'fake_data.npy')
FAKE_LABEL = os.path.join(DATA, 'fake_label.npy')
FAKE_SCORES = os.path.join(DATA, 'fake_scores.npy')
FAKE_SCORE_LABELS = os.path.join(DATA, 'fake_score_labels.npy')

# step 0: raw NTU .skeleton files (make_fake_data.py) through reader -> (x-view) transform -> J/V/B features
RAW_NTU = os.path.join(DATA, 'raw_ntu')
STEP0_CONFIGS = {'xsub': '2001.yaml', 'xview': '2002.yaml'}  # official configs: transform False / True
STEP0_NUM_FRAME = 288  # dataset_args.num_frame of the official configs


def step_file(step: str, name: str) -> str:
    """OUT/<step>/<name>, creating the step's output folder."""
    folder = os.path.join(OUT, step)
    os.makedirs(folder, exist_ok=True)
    return os.path.join(folder, name)


def folder_config(name: str = '2001.yaml') -> dict:
    """A config of the Paddle folder, read by its own loader (relative data paths resolved in the folder)."""
    from utils.config import load_config
    return load_config(os.path.join(FOLDER, 'configs', name))


def paddle_model(train: bool = False, drop_prob: float = None):
    """The folder's B0 (config 2001 at NUM_FRAME frames) with the converted fake weights."""
    import paddle

    from models import build_model
    from utils.checkpoint import load_pretrained
    paddle.set_device('cpu')
    cfg = folder_config('2001.yaml')
    cfg['data_shape'][2] = cfg['dataset_args']['num_frame'] = NUM_FRAME
    if drop_prob is not None:
        cfg['model_args']['drop_prob'] = drop_prob
    model = build_model(cfg)
    load_pretrained(model, PADDLE_WEIGHTS, logger=SimpleNamespace(info=lambda *_: None))
    model.train() if train else model.eval()
    return model


def torch_model(train: bool = False, drop_prob: float = None):
    """torch_ref's EfficientGCN-B0 (config 2001 model_args), the fake checkpoint loaded with strict=True."""
    import torch

    from torch_ref.nets import EfficientGCN
    model = EfficientGCN(NUM_CLASS, 'EfficientGCN-B0', **({} if drop_prob is None else {'drop_prob': drop_prob}))
    model.load_state_dict(torch.load(TORCH_WEIGHTS, map_location='cpu', weights_only=False)['model'], strict=True)
    model.train() if train else model.eval()
    return model


def fake_batch():
    """(x [BATCH, 3, 6, NUM_FRAME, 25, 2] float32, y [BATCH] int64) as numpy."""
    import numpy as np
    return np.load(FAKE_DATA), np.load(FAKE_LABEL)


def fake_scores():
    """(scores [200, 60] float32, labels [200] int64) for the metric step."""
    import numpy as np
    return np.load(FAKE_SCORES), np.load(FAKE_SCORE_LABELS)


def reprod_logger():
    """A reprod_log ReprodLogger. Its module is loaded on its own: `import reprod_log` runs the package's
    __init__, which imports paddle (about 2 s of CPU) even in the torch-side scripts that only save a log."""
    import importlib.util
    spec = importlib.util.find_spec('reprod_log')
    path = os.path.join(os.path.dirname(spec.origin), 'ReprodLogger.py')
    module_spec = importlib.util.spec_from_file_location('reprod_log_ReprodLogger', path)
    module = importlib.util.module_from_spec(module_spec)
    module_spec.loader.exec_module(module)
    return module.ReprodLogger()


def _diff_helper():
    """reprod_log's own ReprodDiffHelper (the log format check_logs.py reads), imported without paddle.

    reprod_log/compare.py and utils.py `import paddle` at module level only to annotate their paddle helpers
    (paddle.nn.Layer, paddle.Tensor) that the diff helper never calls; a check_step<N>.py process compares two
    .npy files, so a stand-in module with those two names replaces paddle while reprod_log is imported (about
    2 s of CPU saved in each of the six check processes). A process that already imported paddle uses it."""
    import types
    stub = None
    if 'paddle' not in sys.modules:
        stub = types.ModuleType('paddle')
        stub.Tensor, stub.nn = object, types.SimpleNamespace(Layer=object)
        sys.modules['paddle'] = stub
    try:
        from reprod_log import ReprodDiffHelper
    finally:
        if stub is not None and sys.modules.get('paddle') is stub:
            del sys.modules['paddle']
    return ReprodDiffHelper()


def check(step: str, name: str, log: str, threshold: float = 1e-6) -> None:
    """Compare OUT/<step>/<name>_torch.npy with <name>_paddle.npy, write OUT/<step>/<log> (mean diff).

    Call once per process: reprod_log adds a log handler on every report()."""
    helper = _diff_helper()
    ref = helper.load_info(step_file(step, f'{name}_torch.npy'))
    out = helper.load_info(step_file(step, f'{name}_paddle.npy'))
    assert ref.keys() == out.keys(), (sorted(ref), sorted(out))
    helper.compare_info(ref, out)
    path = step_file(step, log)
    if os.path.exists(path):  # reprod_log appends: start each run's log afresh
        os.remove(path)
    helper.report(diff_method='mean', diff_threshold=threshold, path=path)
