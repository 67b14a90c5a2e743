"""The TIPC fixed checkpoint, and (with --update_expected) the committed predictions it must give.

    python test_tipc/make_fixed.py                      # test_tipc/data/fixed/{model.pdparams,config.yaml}
    python test_tipc/make_fixed.py --update_expected    # also test_tipc/results/fixed_fp32.json

The checkpoint is the lite config's network (configs/posec3d_lite.yaml) built on CPU after paddle.seed(SEED), its
classifier scaled by FC_SCALE so that every fixed video has a clear top-1 (margin > 1e-3 to the second class: near
ties could swap between backends); the same bytes on every machine. stamp.json beside it records SEED, FC_SCALE and
the md5 of the lite config and models/*.py: while they are unchanged the script does not rebuild it (--force does). The fixed input is
test_tipc/data/fixed_input.pkl (datasets/mini.py: the first test video of each mini class). --update_expected
exports the checkpoint and runs infer.py (Paddle Inference, oneDNN off) on that input; the json keeps per video its
name, class_id and top5_scores, and the tolerance the chain compares with.
"""
import os
import sys
import warnings

warnings.filterwarnings("ignore", message="No ccache found")  # paddle's import-time note; real warnings stay
# run as `python test_tipc/x.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import argparse
import glob
import hashlib
import json
import subprocess
import tempfile

from datasets.mini import write_mini
from utils import in_root, run_main, write_json

SEED = 2024
FC_SCALE = 300.0  # the fc init std 0.01 gives near-uniform scores; x300 separates the classes
MIN_MARGIN = 1e-3
DATA = in_root("test_tipc", "data")
FIXED_DIR = os.path.join(DATA, "fixed")
FIXED_INPUT = os.path.join(DATA, "fixed_input.pkl")
EXPECTED = in_root("test_tipc", "results", "fixed_fp32.json")
TOLERANCE = {"default": [1e-4, 1e-4]}  # probabilities: Paddle Inference (oneDNN on/off) and ONNX Runtime agree to ~1e-6


def stamp() -> dict:
    """What the fixed checkpoint depends on: SEED, FC_SCALE and the bytes of the lite config and the model code."""
    files = [in_root("configs", "posec3d_lite.yaml"), *sorted(glob.glob(in_root("models", "*.py")))]
    digest = hashlib.md5(b"".join(open(f, "rb").read() for f in files)).hexdigest()
    return {"seed": SEED, "fc_scale": FC_SCALE, "sources_md5": digest}


def up_to_date() -> bool:
    try:
        with open(os.path.join(FIXED_DIR, "stamp.json"), encoding="utf-8") as f:
            return json.load(f) == stamp() and os.path.isfile(os.path.join(FIXED_DIR, "model.pdparams"))
    except (OSError, ValueError):
        return False


def fixed_model(cfg: dict):
    import paddle

    from models import build_model
    paddle.set_device("cpu")
    paddle.seed(SEED)
    model = build_model(cfg["model"])
    fc = model.cls_head.fc_cls.weight
    fc.set_value(fc * FC_SCALE)
    model.eval()
    return model


def margins(model, cfg: dict) -> dict:
    """Top-1 minus top-2 probability of each fixed video (dygraph)."""
    import numpy as np
    import paddle

    from datasets.pose_dataset import load_videos, video_views
    from datasets.transforms import build_pipeline
    from models.recognizer3d import average_views
    pipeline = build_pipeline(cfg["data"], "test")
    out = {}
    with paddle.no_grad():
        for ann in load_videos(FIXED_INPUT):
            views = video_views(pipeline, ann)
            probs = np.sort(average_views(model(paddle.to_tensor(views)), views.shape[0]).numpy()[0])
            out[ann["frame_dir"]] = float(probs[-1] - probs[-2])
    return out


def update_expected(weights: str) -> None:
    """Export the fixed checkpoint, run infer.py on the fixed input, keep name/class_id/top5_scores."""
    with tempfile.TemporaryDirectory() as tmp:
        export_dir, results = os.path.join(tmp, "inference"), os.path.join(tmp, "results.json")
        for cmd in (["export_model.py", f"--model_path={weights}", f"--save_dir={export_dir}"],
                    ["infer.py", f"--model_dir={export_dir}", f"--input_file={FIXED_INPUT}", "--enable_mkldnn=False",
                     f"--save_results={results}"]):
            subprocess.run([sys.executable, *cmd], cwd=in_root(), check=True, stdout=subprocess.DEVNULL)
        with open(results, encoding="utf-8") as f:
            predictions = json.load(f)["results"]
    write_json(EXPECTED, {"model": "test_tipc/make_fixed.py (configs/posec3d_lite.yaml, paddle.seed "
                                   f"{SEED}, fc x{FC_SCALE:g})", "input_file": "test_tipc/data/fixed_input.pkl",
                          "tolerance": TOLERANCE,
                          "results": [{k: p[k] for k in ("name", "class_id", "top5_scores")} for p in predictions]})
    print(f"wrote {EXPECTED} ({len(predictions)} predictions)")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--update_expected", action="store_true", help="also rewrite test_tipc/results/fixed_fp32.json")
    p.add_argument("--force", action="store_true", help="rewrite the checkpoint even when its stamp is up to date")
    args = p.parse_args(argv)
    if not os.path.isfile(FIXED_INPUT):
        write_mini(os.path.join(DATA, "mini_ucf101.pkl"), seed=0)
    if args.force or not up_to_date():  # the same bytes again otherwise: skip paddle (prepare.sh runs this per mode)
        from utils.atomic_io import save_dir_atomic
        from utils.config import CONFIG_NAME, load_config
        cfg = load_config(in_root("configs", "posec3d_lite.yaml"))
        model = fixed_model(cfg)
        close = {name: m for name, m in margins(model, cfg).items() if m <= MIN_MARGIN}
        if close:
            raise RuntimeError(f"top-1 margins <= {MIN_MARGIN} for {close}: change SEED or FC_SCALE")
        save_dir_atomic(FIXED_DIR, {"model.pdparams": model.state_dict(), CONFIG_NAME: cfg, "stamp.json": stamp()})
        print(f"wrote {FIXED_DIR}/model.pdparams and {CONFIG_NAME} (seed {SEED})")
    else:
        print(f"{FIXED_DIR} is up to date (stamp.json)")
    if args.update_expected:
        update_expected(os.path.join(FIXED_DIR, "model.pdparams"))


if __name__ == "__main__":
    run_main(main)
