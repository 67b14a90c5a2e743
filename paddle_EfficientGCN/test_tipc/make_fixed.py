"""The fixed checkpoint and fixed input of the TIPC result check, written deterministically (CPU, seeded):

    python test_tipc/make_fixed.py                      # test_tipc/data/fixed/{model.pdparams,config.yaml,input.npy}
    python test_tipc/make_fixed.py --update_expected    # also test_tipc/results/fixed_fp32.json (commit it)
The model is the lite B0 (configs/lite.yaml) built after paddle.seed(SEED) with a visible classifier (seeded
N(0, 0.5) weights instead of the official N(0, 0.001), so that the top-1 class of every fixed sample wins by
more than 1e-3 and a near-tie cannot swap it); the input is FIXED_SAMPLES raw .skeleton files of
datasets/mini.py (seed 7) read by the training reader. --update_expected exports the model and runs infer.py
(Paddle Inference, oneDNN off) on the input; the chain later compares every backend with that file.
"""
import argparse
import os
import subprocess
import sys
import tempfile

# run as `python test_tipc/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

from utils import ArgumentParser, folder_path, run_main

SEED, FIXED_SAMPLES, MIN_MARGIN = 3, 6, 1e-3
OUT = folder_path('test_tipc/data/fixed')
EXPECTED = folder_path('test_tipc/results/fixed_fp32.json')


def fixed_input() -> np.ndarray:
    """[FIXED_SAMPLES, 3, 300, 25, 2] float32: mini .skeleton files (all four actions, two cameras) as read for
    training (datasets/ntu_skeleton.py read_sample)."""
    from datasets.mini import generate_mini
    from datasets.ntu_skeleton import read_sample
    with tempfile.TemporaryDirectory() as d:
        generate_mini(d, seed=7, subjects=(3,), replications=(1,))
        names = sorted(n for n in os.listdir(d) if n.startswith('S001C00') and 'R001' in n)[:FIXED_SAMPLES]
        return np.stack([read_sample(os.path.join(d, n))[0] for n in names])


def fixed_model():
    """(lite config, model) on CPU, deterministic."""
    import paddle

    from models import build_model
    from utils.config import load_config
    paddle.set_device('cpu')
    cfg = load_config(folder_path('configs/lite.yaml'))
    paddle.seed(SEED)
    model = build_model(cfg)
    fc = model.classifier.fc.weight
    fc.set_value(np.random.RandomState(SEED).normal(0, 0.5, fc.shape).astype('float32'))
    return cfg, model.eval()


def margins(model, cfg, data: np.ndarray) -> np.ndarray:
    """Top-1 minus top-2 softmax score per sample."""
    import paddle

    from datasets.transforms import build_transform
    transform = build_transform(cfg['dataset_args']['num_frame'], cfg['dataset_args']['inputs'])
    with paddle.no_grad():
        prob = paddle.nn.functional.softmax(model(paddle.to_tensor(np.stack([transform(s) for s in data]))), -1)
    top2 = np.sort(prob.numpy(), axis=1)[:, -2:]
    return top2[:, 1] - top2[:, 0]


def write_fixed() -> None:
    import paddle

    from utils.atomic_io import write_file_atomic
    from utils.config import save_config
    cfg, model = fixed_model()
    data = fixed_input()
    low = margins(model, cfg, data)
    if low.min() <= MIN_MARGIN:
        raise SystemExit(f'error: a fixed sample has a top-1 margin of {low.min():.2e} <= {MIN_MARGIN}, change SEED')
    os.makedirs(OUT, exist_ok=True)
    paddle.save(model.state_dict(), os.path.join(OUT, 'model.pdparams'))
    save_config(cfg, OUT)
    buffer = tempfile.SpooledTemporaryFile()
    np.save(buffer, data)
    buffer.seek(0)
    write_file_atomic(os.path.join(OUT, 'input.npy'), buffer.read())
    print(f'fixed checkpoint and input ({len(data)} samples, smallest top-1 margin {low.min():.3f}) in {OUT}')


def update_expected() -> None:
    """Export the fixed model and run infer.py on the fixed input; keep name, class_id and top5_scores."""
    import json

    from utils import write_json
    with tempfile.TemporaryDirectory() as d:
        python, here = sys.executable, folder_path('.')
        subprocess.run([python, 'export_model.py', f'--model_path={OUT}/model.pdparams', f'--save_dir={d}'],
                       cwd=here, check=True, stdout=subprocess.DEVNULL)
        subprocess.run([python, 'infer.py', f'--model_dir={d}', f'--input_file={OUT}/input.npy',
                        '--enable_mkldnn=False', f'--save_results={d}/results.json'], cwd=here, check=True,
                       stdout=subprocess.DEVNULL)
        with open(f'{d}/results.json') as f:
            results = json.load(f)['results']
    write_json(EXPECTED, {'model': 'test_tipc/data/fixed/model.pdparams (test_tipc/make_fixed.py)',
                          'input_file': 'test_tipc/data/fixed/input.npy',
                          'tolerance': {'default': [1e-4, 1e-4]},
                          'results': [{k: r[k] for k in ('name', 'class_id', 'top5_scores')} for r in results]})
    print(f'expected results of {len(results)} samples written to {EXPECTED}')


def main(argv=None) -> None:
    p = ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('--update_expected', action='store_true', help='regenerate test_tipc/results/fixed_fp32.json')
    args = p.parse_args(argv)
    write_fixed()
    if args.update_expected:
        update_expected()


if __name__ == '__main__':
    run_main(main)
