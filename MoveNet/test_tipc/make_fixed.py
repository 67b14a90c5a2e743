"""The fixed checkpoint and input of the TIPC result check, and (--update_expected) the expected results.

    python test_tipc/make_fixed.py                      # test_tipc/data/fixed/{model.pdparams,config.yaml,imgs/}
    python test_tipc/make_fixed.py --update_expected    # also test_tipc/results/fixed_fp32.json

The model is MoveNet built from configs/movenet_lite.yaml on CPU after paddle.seed(0) (kaiming init), with its four
1x1 head classifiers set so that every discrete choice of movenetDecode has a wide margin, and the predictions
therefore move only by float rounding between Paddle Inference (oneDNN on/off), ONNX Runtime and machines:
* centre head: weight 0, bias 0 -> a constant 0.5 map; the centre-weighted argmax is the middle cell (24, 24),
  1/1.8 against 1/2.8 for its neighbours;
* regression head: weight 0, bias = a standing figure in whole cells, so int(reg + 0.5) is 0.5 from a rounding edge;
* heatmap head: weight scaled (a power of 2) so that every logit is within +-0.25: heatmaps 0.44..0.56, and the
  distance-weighted argmax is the regressed cell itself (ratio <= 1.28 against 2.8/1.8 = 1.56); score ~0.5 >> 0.1;
* offset head: weight scaled (a power of 2) to offsets within +-0.4 cells, bias 0.
Scores and offsets still depend on the whole network and the image (what the check compares); make_fixed verifies
every margin (relative > 1e-3) on the fixed input and stops otherwise. The input is 6 stick-figure PNG images of
192x192 (lossless and unresized: the same pixels everywhere)."""
import os
import sys

# run as `python test_tipc/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import warnings

warnings.filterwarnings('ignore', message='No ccache found')  # paddle's harmless import-time warning

import json
import subprocess
import tempfile
from typing import List, Optional

import numpy as np

from utils import ArgumentParser, cli, from_root

SEED = 0
NUM_IMAGES = 6
# regression bias per joint (x, y cells from the centre), COCO order, a front-facing figure (its left on the right)
LAYOUT = [(0, -14), (2, -15), (-2, -15), (4, -14), (-4, -14), (6, -9), (-6, -9), (9, -2), (-9, -2), (10, 4),
          (-10, 4), (4, 3), (-4, 3), (5, 11), (-5, 11), (5, 19), (-5, 19)]
TOLERANCE = {'default': [1e-4, 1e-4], 'keypoints': [1e-3, 0.0]}  # keypoints: 1e-3 px (x, y) and 1e-3 (score)


def _pow2_below(limit: float, largest: float) -> float:
    """The largest power of 2 that keeps `largest` * scale <= limit (exact on every machine)."""
    return float(2.0 ** np.floor(np.log2(limit / max(largest, 1e-30))))


def build_fixed(cfg, images: np.ndarray):
    """The fixed MoveNet (see the module docstring) for the [N,3,S,S] fixed input."""
    import paddle

    from models import MoveNet
    paddle.set_device('cpu')
    paddle.seed(SEED)
    net = MoveNet(cfg.DATA.num_joints)
    net.eval()
    heads = {name: getattr(net.header, name)[1] for name in
             ('header_heatmaps', 'header_centers', 'header_regs', 'header_offsets')}
    with paddle.no_grad():
        for conv in heads.values():
            conv.bias.set_value(paddle.zeros_like(conv.bias))
        heads['header_centers'].weight.set_value(paddle.zeros_like(heads['header_centers'].weight))
        heads['header_regs'].weight.set_value(paddle.zeros_like(heads['header_regs'].weight))
        heads['header_regs'].bias.set_value(paddle.to_tensor(np.asarray(LAYOUT, np.float32).reshape(-1)))
        raw = {}
        hooks = [conv.register_forward_post_hook(lambda layer, inp, out, name=name: raw.__setitem__(name, out.numpy()))
                 for name, conv in heads.items()]
        net(paddle.to_tensor(images))
        for name, limit in (('header_heatmaps', 0.25), ('header_offsets', 0.4)):  # logits / offsets within +-limit
            w = heads[name].weight
            w.set_value(w * _pow2_below(limit, float(np.abs(raw[name]).max())))
        for hook in hooks:
            hook.remove()
    return net


def margins(net, images: np.ndarray, hm_th: float) -> dict:
    """The smallest relative margin of each discrete decode choice on the input (movenetDecode, models/decode.py)."""
    import paddle

    from models.decode import center_weight
    with paddle.no_grad():
        hm, ctr, regs, _ = [o.numpy().astype(np.float64) for o in net(paddle.to_tensor(images))]
    n, j, size, _ = hm.shape
    cw = center_weight(size).astype(np.float64)
    out = {'centre': 1.0, 'regression': 1.0, 'heatmap': 1.0, 'score': 1.0}
    for b in range(n):
        c = np.sort((ctr[b, 0] * cw).ravel())[::-1]
        out['centre'] = min(out['centre'], (c[0] - c[1]) / c[0])
        cy, cx = divmod(int(np.argmax(ctr[b, 0] * cw)), size)
        for k in range(j):
            r = regs[b, 2 * k:2 * k + 2, cy, cx] + 0.5
            out['regression'] = min(out['regression'], float(np.abs(r - np.round(r)).min()))
            rx, ry = int(r[0]) + cx, int(r[1]) + cy
            ys, xs = np.mgrid[0:size, 0:size]
            h = np.where(hm[b, k] < hm_th, 0, hm[b, k]) / (np.sqrt((xs - rx) ** 2 + (ys - ry) ** 2) + 1.8)
            top = np.sort(h.ravel())[::-1]
            out['heatmap'] = min(out['heatmap'], (top[0] - top[1]) / top[0])
            out['score'] = min(out['score'], abs(hm[b, k].ravel()[int(np.argmax(h))] - hm_th))
    return out


def write_fixed(out_dir: str) -> str:
    """model.pdparams + config.yaml + imgs/ in out_dir; returns the model path."""
    import paddle

    from datasets.images import load_frames, preprocess
    from datasets.mini import make_infer_set
    from utils.atomic_io import write_file_atomic
    from utils.config import load_config, save_config
    cfg = load_config(from_root('configs/movenet_lite.yaml'))
    img_dir = make_infer_set(os.path.join(out_dir, 'imgs'), NUM_IMAGES, seed=7, size=cfg.DATA.img_size, ext='.png')
    images = np.stack([preprocess(img, cfg.DATA.img_size) for _, img in load_frames(img_dir)])
    net = build_fixed(cfg, images)
    low = {k: v for k, v in margins(net, images, cfg.TEST.hm_th).items() if v <= 1e-3}
    if low:
        raise SystemExit(f'make_fixed: decode margins too small on the fixed input: {low}')
    path = os.path.join(out_dir, 'model.pdparams')
    write_file_atomic(path, net.state_dict())
    save_config(cfg, out_dir)
    paddle.set_device('cpu')
    return path


def update_expected(model_path: str, out_json: str) -> None:
    """Export the fixed model, run infer.py (Paddle Inference, oneDNN off) on the fixed input, keep its results with
    the tolerances."""
    root = from_root('.')
    with tempfile.TemporaryDirectory() as tmp:
        export_dir, results = os.path.join(tmp, 'export'), os.path.join(tmp, 'fixed.json')
        for cmd in (['export_model.py', f'--model_path={model_path}', f'--save_dir={export_dir}'],
                    ['infer.py', '--backend=paddle', '--enable_mkldnn=False', '--cpu_threads=1',
                     f'--model_dir={export_dir}', f'--input_file={os.path.join(os.path.dirname(model_path), "imgs")}',
                     f'--save_results={results}']):
            subprocess.run([sys.executable] + cmd, cwd=root, check=True, stdout=subprocess.DEVNULL)
        with open(results) as f:
            data = json.load(f)
    expected = {'model': 'test_tipc/data/fixed/model.pdparams (test_tipc/make_fixed.py)',
                'backend': data['backend'], 'precision': data['precision'],
                'input_file': 'test_tipc/data/fixed/imgs', 'tolerance': TOLERANCE, 'results': data['results']}
    os.makedirs(os.path.dirname(out_json), exist_ok=True)
    head = json.dumps({k: v for k, v in expected.items() if k != 'results'}, indent=1)[:-2]
    rows = ',\n  '.join(json.dumps(r) for r in expected['results'])  # one line per image
    with open(out_json, 'w') as f:
        f.write(f'{head},\n "results": [\n  {rows}\n ]\n}}\n')
    print(f'expected results: {len(expected["results"])} images -> {out_json}')


@cli
def main(argv: Optional[List[str]] = None) -> None:
    parser = ArgumentParser(description=__doc__)
    parser.add_argument('--out_dir', default=from_root('test_tipc/data/fixed'))
    parser.add_argument('--update_expected', action='store_true', help='regenerate test_tipc/results/fixed_fp32.json')
    args = parser.parse_args(argv)
    path = write_fixed(os.path.abspath(args.out_dir))
    print(f'fixed checkpoint: {path} (+ config.yaml, imgs/)')
    if args.update_expected:
        update_expected(path, from_root('test_tipc/results/fixed_fp32.json'))


if __name__ == '__main__':
    main()
