"""The fixed checkpoint and input whose predictions the TIPC chains compare with test_tipc/results/fixed_fp32.json.

    python test_tipc/make_fixed.py [--out_dir test_tipc/data/fixed] [--update_expected]

Writes, deterministically (CPU, paddle.seed(SEED)): <out_dir>/model.pdparams, the model of
configs/stgcn_fsd10_lite.yaml (its config.yaml beside it), and <out_dir>/input.npy, SAMPLES mini samples
[SAMPLES, 3, 40, 25, 1] (datasets/mini.py, seeded). The random classifier is scaled so that its logits have a
spread of about 2 around their mean over the samples (so the samples get different classes): every sample's top-1 probability leads the second by more than MARGIN, so a 1e-4 numerical
difference cannot swap the class. --update_expected exports the checkpoint, runs infer.py (Paddle Inference,
oneDNN off) on the input and writes the expected file: per sample its name, class_id and top5_scores (not the
top-5 ids: near-ties may swap), tolerance 1e-4 absolute and relative for every value.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import warnings

# run as `python test_tipc/make_fixed.py` from the folder: make the folder's packages importable
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
warnings.filterwarnings("ignore", message="No ccache found")  # Paddle's import-time note (issue 17)

import numpy as np
import paddle
import paddle.nn.functional as F

from datasets.mini import make_split
from datasets.transforms import build_transforms
from models import build_model
from utils.common import folder_path
from utils.config import load_config, save_config

SEED = 7          # paddle.seed of the fixed model
SAMPLES = 6       # fixed inputs, one of each class and one more
MARGIN = 1e-3     # smallest top-1 lead (probability) allowed
EXPECTED = folder_path("test_tipc", "results", "fixed_fp32.json")


def make_fixed(out_dir: str) -> tuple:
    """(checkpoint path, input path), written into out_dir."""
    paddle.set_device("cpu")
    cfg = load_config(folder_path("configs", "stgcn_fsd10_lite.yaml"))
    data, _ = make_split(SAMPLES, cfg["model"]["num_classes"], 40, np.random.RandomState(SEED))
    paddle.seed(SEED)
    model = build_model(cfg["model"])
    model.eval()
    transform = build_transforms(cfg)
    x = paddle.to_tensor(np.stack([transform(sample) for sample in data]))
    with paddle.no_grad():
        logits = model(x).numpy()
        # the head is linear: new logits = (logits - their mean over the samples) * scale, so the samples'
        # differences, not the random head's bias, decide the classes
        mean = logits.mean(axis=0)
        scale = 2.0 / float((logits - mean).std())
        model.head.fcn.weight.set_value(model.head.fcn.weight * scale)
        model.head.fcn.bias.set_value((model.head.fcn.bias - paddle.to_tensor(mean)) * scale)
        probs = np.sort(F.softmax(model(x), axis=-1).numpy(), axis=1)
    lead = probs[:, -1] - probs[:, -2]
    if lead.min() <= MARGIN:
        raise SystemExit(f"error: a fixed sample's top-1 leads by only {lead.min():.2e}, pick another SEED")
    os.makedirs(out_dir, exist_ok=True)
    checkpoint, inputs = os.path.join(out_dir, "model.pdparams"), os.path.join(out_dir, "input.npy")
    paddle.save(model.state_dict(), checkpoint)
    save_config(cfg, out_dir)
    np.save(inputs, data)
    print(f"fixed checkpoint {checkpoint} and input {inputs} ({SAMPLES} samples, smallest top-1 lead {lead.min():.3f})")
    return checkpoint, inputs


def update_expected(checkpoint: str, inputs: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        run = [sys.executable, folder_path("export_model.py"), f"--model_path={checkpoint}", f"--save_dir={tmp}"]
        subprocess.run(run, check=True, stdout=subprocess.DEVNULL)
        results = os.path.join(tmp, "results.json")
        run = [sys.executable, folder_path("infer.py"), f"--model_dir={tmp}", f"--input_file={inputs}",
               "--enable_mkldnn=False", f"--save_results={results}"]
        subprocess.run(run, check=True, stdout=subprocess.DEVNULL)
        with open(results, encoding="utf-8") as f:
            predicted = json.load(f)["results"]
    expected = {"model": "STGCN", "tolerance": {"default": [1e-4, 1e-4]},
                "results": [{k: r[k] for k in ("name", "class_id", "top5_scores")} for r in predicted]}
    with open(EXPECTED, "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(f"expected results written to {EXPECTED}")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out_dir", default=folder_path("test_tipc", "data", "fixed"))
    p.add_argument("--update_expected", action="store_true", help="also rewrite test_tipc/results/fixed_fp32.json")
    args = p.parse_args(argv)
    checkpoint, inputs = make_fixed(args.out_dir)
    if args.update_expected:
        update_expected(checkpoint, inputs)


if __name__ == "__main__":
    main()
