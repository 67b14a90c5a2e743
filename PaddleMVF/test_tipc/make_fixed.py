"""The fixed checkpoint and input whose predictions the TIPC chains compare with test_tipc/results/fixed_fp32.json.

    python test_tipc/make_fixed.py [--out_dir test_tipc/data/fixed] [--update_expected]

Writes, deterministically (CPU, paddle.seed(SEED)): <out_dir>/model.pdparams, the model of
configs/mvf_r50_lite.yaml (its config.yaml beside it), and <out_dir>/input.npy, SAMPLES preprocessed clips
[SAMPLES, views*T, 3, S, S] of the lite test protocol (2 clips x 2 frames x 32 px): datasets/mini.py frames drawn
at 64x80, subsampled and centre-cropped to 32x32 and normalised with numpy alone (no JPEG or resize, so no library version changes them). The random
classifier is re-centred and scaled so that its logits spread by about 2 around their mean over the samples:
every sample's top-1 probability leads the second by more than MARGIN, so a 1e-4 numerical difference cannot
swap the class. --update_expected exports the checkpoint, runs infer.py (Paddle Inference, oneDNN off) on the
input and writes the expected file: per sample its name, class_id and top5_scores (not the top-5 ids: near-ties
may swap), tolerance 1e-4 absolute and relative for every value.
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

from datasets.mini import make_clip
from datasets.transforms import IMAGENET_MEAN, IMAGENET_STD
from datasets.video import expected_shape
from models import SoftmaxRecognizer, build_model
from utils import from_root
from utils.config import load_config, save_config

SEED = 7          # paddle.seed of the fixed model, numpy seed of the clips
SAMPLES = 6       # fixed inputs: one of each of the 4 classes and two more
MARGIN = 1e-3     # smallest top-1 lead (probability) allowed
EXPECTED = from_root("test_tipc/results/fixed_fp32.json")


def fixed_input(cfg: dict) -> np.ndarray:
    """[SAMPLES, views*T, 3, S, S] float32: mini clips at S x S, normalised like the test pipeline."""
    frames, _, side, _ = expected_shape(cfg)
    rng = np.random.RandomState(SEED)
    clips = []
    for i in range(SAMPLES):
        clip = make_clip(i % 4, frames, rng, height=2 * side, width=2 * side + 16)[:, ::2, ::2]  # (F, S, S+8, 3)
        clip = clip[:, :, 4:4 + side].astype(np.float32)  # the centre S x S, RGB
        clip = (clip - np.array(IMAGENET_MEAN, np.float32)) / np.array(IMAGENET_STD, np.float32)
        clips.append(clip.transpose(0, 3, 1, 2))
    return np.stack(clips).astype(np.float32)


def make_fixed(out_dir: str) -> tuple:
    """(checkpoint path, input path), written into out_dir."""
    paddle.set_device("cpu")
    cfg = load_config(from_root("configs/mvf_r50_lite.yaml"))
    data = fixed_input(cfg)
    paddle.seed(SEED)
    model = build_model(cfg["model"])
    model.eval()
    x = paddle.to_tensor(data)
    fc = model.cls_head.new_fc
    with paddle.no_grad():
        logits = model(x).numpy()  # (N, views, classes); the head is linear in (weight, bias)
        mean = logits.reshape(-1, logits.shape[-1]).mean(axis=0)
        scale = 2.0 / float((logits - mean).std())
        fc.weight.set_value(fc.weight * scale)
        fc.bias.set_value((fc.bias - paddle.to_tensor(mean)) * scale)
        probs = np.sort(SoftmaxRecognizer(model)(x).numpy(), axis=1)
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
        run = [sys.executable, from_root("export_model.py"), f"--model_path={checkpoint}", f"--save_dir={tmp}"]
        subprocess.run(run, check=True, stdout=subprocess.DEVNULL)
        results = os.path.join(tmp, "results.json")
        run = [sys.executable, from_root("infer.py"), f"--model_dir={tmp}", f"--input_file={inputs}",
               "--enable_mkldnn=False", f"--save_results={results}"]
        subprocess.run(run, check=True, stdout=subprocess.DEVNULL)
        with open(results, encoding="utf-8") as f:
            predicted = json.load(f)["results"]
    expected = {"model": "MVF", "tolerance": {"default": [1e-4, 1e-4]},
                "results": [{k: r[k] for k in ("name", "class_id", "top5_scores")} for r in predicted]}
    os.makedirs(os.path.dirname(EXPECTED), exist_ok=True)
    with open(EXPECTED, "w", encoding="utf-8") as f:
        json.dump(expected, f, indent=1)
        f.write("\n")
    print(f"expected results written to {EXPECTED}")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out_dir", default=from_root("test_tipc/data/fixed"))
    p.add_argument("--update_expected", action="store_true", help="also rewrite test_tipc/results/fixed_fp32.json")
    args = p.parse_args(argv)
    checkpoint, inputs = make_fixed(args.out_dir)
    if args.update_expected:
        update_expected(checkpoint, inputs)


if __name__ == "__main__":
    main()
