"""One prediction per video, the same in infer.py and predict.py: printed in the standard form and saved as json.

    Current video file: <name>
    \ttop-1 class: <id>
    \ttop-1 class name: <name>
    \ttop-1 score: <p>
    \ttop-5: id:p, id:p, ...
"""
import json
from typing import List, Sequence

import numpy as np

from utils import UserError
from utils.atomic_io import write_file_atomic


def prediction(name: str, probs: np.ndarray, names: Sequence[str], source: str) -> dict:
    """The json entry of one video's view-averaged probabilities; non-finite scores are a UserError (never a
    printed `score nan`), and so is a class count other than the config's class list."""
    probs = np.asarray(probs, dtype=np.float64)
    if probs.shape != (len(names),):
        raise UserError(f"the model predicts {probs.shape[-1]} classes but the config lists {len(names)} "
                        "(data.class_names), pass the config the model was exported with (--config)")
    if not np.isfinite(probs).all():
        raise UserError(f"the model gives non-finite scores for {name} ({source}), the input or the weights hold "
                        "NaN/inf, check both")
    top5 = [int(i) for i in np.argsort(-probs, kind="stable")[:min(5, len(probs))]]
    return {"name": name, "class_id": top5[0], "class_name": names[top5[0]], "score": float(probs[top5[0]]),
            "top5_ids": top5, "top5_scores": [float(probs[i]) for i in top5]}


def print_prediction(entry: dict) -> None:
    print(f"Current video file: {entry['name']}")
    print(f"\ttop-1 class: {entry['class_id']}")
    print(f"\ttop-1 class name: {entry['class_name']}")
    print(f"\ttop-1 score: {entry['score']}")
    print("\ttop-5: " + ", ".join(f"{i}:{p:.6f}" for i, p in zip(entry["top5_ids"], entry["top5_scores"])))


def save_results(path: str, results: List[dict], **meta) -> None:
    """{"model", "backend", "precision", "input_file", "results": [...]} as json, written atomically (its
    directory is created)."""
    write_file_atomic(path, (json.dumps(dict(meta, results=results), indent=1) + "\n").encode("utf-8"))
